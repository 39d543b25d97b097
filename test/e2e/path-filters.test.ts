/**
 * The path patterns a user writes for sprawl itself: `--exclude`, the config's `paths.exclude` and a
 * baseline entry's `scope`. Matched as git matches ignore files on Linux: case-sensitively.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeMaker } from '../support/fakes.js';
import { ScanEnv, scanJson } from '../support/scan-env.js';

const env = new ScanEnv('sprawl-path-filters-');
const fakes = fakeMaker('path-filters');
afterAll(() => env.cleanup());

type Report = ReturnType<typeof scanJson>['report'];
const reported = (report: Report) => report.findings.flatMap((finding) => finding.occurrences.map((occurrence) => occurrence.path)).sort();

describe('path patterns match case-sensitively', () => {
  const token = fakes.fake('github.pat.classic');
  const root = env.path('cased');
  env.write('cased/secrets.env', `GITHUB_TOKEN=${token}\n`);
  env.write('cased/Secrets.ENV', `GITHUB_TOKEN=${token}\n`);

  it('--exclude secrets.env leaves out secrets.env, not Secrets.ENV', () => {
    expect(reported(scanJson([root, '--exclude', 'secrets.env']).report)).toEqual(['Secrets.ENV']);
  });

  it("the config's paths.exclude: secrets.env leaves out secrets.env, not Secrets.ENV", () => {
    const config = env.write('cased.sprawl.yml', 'paths:\n  exclude: ["secrets.env"]\n');
    expect(reported(scanJson([root, '--config', config]).report)).toEqual(['Secrets.ENV']);
  });

  it('a baseline entry scoped to secrets.env accepts the value there, not in Secrets.ENV', () => {
    const [finding] = scanJson([root]).report.findings;
    const baseline = env.path('cased-baseline.json');
    writeFileSync(baseline, JSON.stringify({ version: 1, entries: [{ fingerprint: finding!.fingerprint, seenAt: [], scope: ['secrets.env'] }] }));
    const { exitCode, report } = scanJson([root, '--baseline', baseline]);
    expect(exitCode).toBe(1);
    expect(report.findings.map((finding) => finding.suppressed)).toEqual([false]);
    const occurrences = report.findings[0]!.occurrences as { path: string; baselined?: unknown }[];
    expect(occurrences.filter((occurrence) => occurrence.baselined).map((occurrence) => occurrence.path)).toEqual(['secrets.env']);
  });
});
