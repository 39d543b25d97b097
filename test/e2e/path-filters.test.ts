/**
 * The path patterns a user writes for sprawl itself: `--exclude`, the config's `paths.exclude` and a
 * baseline entry's `scope`. Matched as git matches ignore files on Linux: case-sensitively.
 */
import AdmZip from 'adm-zip';
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeMaker } from '../support/fakes.js';
import { runCli, ScanEnv, scanJson } from '../support/scan-env.js';

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

describe('paths that are not plain relative ones (a log outside the root, standard input) are matched too, never an error', () => {
  const token = fakes.fake('github.pat.classic');
  const project = env.path('project');
  const logs = new ScanEnv('sprawl-path-filters-logs-');
  const logFile = logs.write('app.log', `Authorization: token ${token}\n`);
  afterAll(() => logs.cleanup());

  const run = (args: string[], input?: string) => runCli([...args, '--format', 'json'], { cwd: project, ...(input !== undefined ? { input } : {}) });
  const excluding = (globs: string[]) => env.write('project/.sprawl.yml', `paths:\n  exclude: ${JSON.stringify(globs)}\n`);

  it("the config's paths.exclude: an absolute log path, ./name and an empty --stdin-name", () => {
    excluding(['vendor/**']);
    expect(run(['logs', logFile])).toMatchObject({ exitCode: 1, stderr: '' });
    expect(run(['scan', '-', '--stdin-name', './api.log'], `token=${token}\n`)).toMatchObject({ exitCode: 1, stderr: '' });
    expect(run(['scan', '-', '--stdin-name', '/var/log/api.log'], `token=${token}\n`)).toMatchObject({ exitCode: 1, stderr: '' });
    expect(run(['scan', '-', '--stdin-name', ''], `token=${token}\n`)).toMatchObject({ exitCode: 1, stderr: '' });
    // Matched as it reads without its leading `/` or `./`: a glob reaching every folder reaches it.
    excluding(['**/*.log']);
    expect(run(['logs', logFile])).toMatchObject({ exitCode: 0, stderr: '' });
    expect(run(['scan', '-', '--stdin-name', '/var/log/api.log'], `token=${token}\n`)).toMatchObject({ exitCode: 0, stderr: '' });
    excluding(['api.log']);
    expect(run(['scan', '-', '--stdin-name', './api.log'], `token=${token}\n`)).toMatchObject({ exitCode: 0, stderr: '' });
  });

  it("a baseline entry's scope: an absolute log path", () => {
    excluding([]);
    const [finding] = JSON.parse(run(['logs', logFile]).stdout).findings;
    const baseline = (scope: string[]) => env.write('logs-baseline.json', JSON.stringify({ version: 1, entries: [{ fingerprint: finding.fingerprint, seenAt: [], scope }] }));
    expect(run(['logs', logFile, '--baseline', baseline(['vendor/**'])])).toMatchObject({ exitCode: 1, stderr: '' });
    expect(run(['logs', logFile, '--baseline', baseline(['**/*.log'])])).toMatchObject({ exitCode: 0, stderr: '' });
    expect(run(['scan', '-', '--stdin-name', '', '--baseline', baseline(['**/*.log'])], `token=${token}\n`)).toMatchObject({ exitCode: 1, stderr: '' });
  });

  it('--exclude inside an archive outside the root: the archive counts as a folder', () => {
    excluding([]);
    const zip = new AdmZip();
    for (const entry of ['test/app.log', 'main/app.log']) zip.addFile(entry, Buffer.from(`Authorization: token ${token}\n`));
    const bundle = logs.write('bundle.zip', zip.toBuffer());
    const result = run(['logs', bundle, '--exclude', '**/test/**']);
    expect(result).toMatchObject({ exitCode: 1, stderr: '' });
    const occurrences = JSON.parse(result.stdout).findings.flatMap((finding: { occurrences: { path: string; entry: string }[] }) => finding.occurrences);
    expect(occurrences.map((occurrence: { path: string; entry: string }) => [occurrence.path, occurrence.entry])).toEqual([[bundle, 'main/app.log']]);
  });
});
