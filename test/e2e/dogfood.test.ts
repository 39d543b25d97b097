/**
 * sprawl over its own repository, with its committed ignore files and baseline, reports nothing: the rules hold
 * templates, never key-shaped strings, and tests generate their fakes at run time.
 */
import { expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../support/scan-env.js';

it('sprawl scan . on this repository reports nothing', () => {
  const result = runCli(['scan', '.', '--format', 'json'], { cwd: REPO_ROOT });
  const report = JSON.parse(result.stdout);
  const found = report.findings.map((finding: { ruleId: string; occurrences: { path: string; line: number }[] }) => `${finding.ruleId} at ${finding.occurrences.map((o) => `${o.path}:${o.line}`).join(', ')}`);
  expect(found).toEqual([]);
  expect(result.exitCode).toBe(0);
  expect(report.summary.filesScanned).toBeGreaterThan(50);
});

it('sprawl git . on this repository reports nothing new: its baseline accepts the made-up values its history holds', () => {
  const result = runCli(['git', '.', '--format', 'json'], { cwd: REPO_ROOT });
  const report = JSON.parse(result.stdout);
  const unaccepted = report.findings
    .filter((finding: { suppressed: boolean }) => !finding.suppressed)
    .map((finding: { ruleId: string; occurrences: { path: string; line: number }[] }) => `${finding.ruleId} at ${finding.occurrences.map((o) => `${o.path}:${o.line}`).join(', ')}`);
  expect(unaccepted).toEqual([]);
  expect(result.exitCode).toBe(0);
});
