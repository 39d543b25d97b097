/**
 * sprawl over its own repository, with its committed ignore files, reports nothing: the rules hold
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
