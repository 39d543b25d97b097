/**
 * Baselines keyed by content: accept what exists, then move lines, rename files and reformat without
 * anything being reported as new; a new secret, or a baselined one on a line that is allowed-listed
 * nowhere, is.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeMaker } from '../support/fakes.js';
import { runCli, ScanEnv } from '../support/scan-env.js';

const fakes = fakeMaker('baseline');

describe('sprawl baseline', () => {
  const env = new ScanEnv();
  const first = fakes.fake('github.pat.classic');
  const second = fakes.fake('npm.access-token');
  afterAll(() => env.cleanup());
  const baselineFile = () => env.path('.sprawl-baseline.json');
  const scan = (...extra: string[]) => {
    const result = runCli(['scan', env.path('src'), '--format', 'json', '--baseline', baselineFile(), ...extra]);
    return { ...result, report: JSON.parse(result.stdout) };
  };

  it('create accepts what exists, writes no secret and no line numbers, and is byte-identical across runs', () => {
    env.write('src/app.ts', `export const token = '${first}';\n`);
    env.write('src/.npmrc', `//registry.npmjs.org/:_authToken=${second}\n`);
    expect(runCli(['baseline', 'create', env.path('src'), '--output', baselineFile()])).toMatchObject({ exitCode: 0, stderr: `sprawl: ${baselineFile()}: 2 findings accepted\n` });
    const text = readFileSync(baselineFile(), 'utf8');
    expect(text).not.toContain(first);
    expect(text).not.toContain(second);
    expect(text).not.toMatch(/"line"|"column"|date|time/i);
    const parsed = JSON.parse(text);
    expect(parsed.version).toBe(1);
    expect(parsed.entries.map((entry: { seenAt: string[] }) => entry.seenAt)).toEqual(expect.arrayContaining([['app.ts']]));
    runCli(['baseline', 'create', env.path('src'), '--output', baselineFile()]);
    expect(readFileSync(baselineFile(), 'utf8')).toBe(text);
  });

  it('scan --baseline reports nothing new: exit 0, the findings shown as suppressed', () => {
    const { exitCode, report } = scan();
    expect(exitCode).toBe(0);
    expect(report.summary).toMatchObject({ findings: 0, suppressed: 2 });
    const sarif = JSON.parse(runCli(['scan', env.path('src'), '--format', 'sarif', '--baseline', baselineFile()]).stdout);
    expect(sarif.runs[0].results.map((result: { suppressions: unknown[] }) => result.suppressions)).toEqual([
      [{ kind: 'external', status: 'accepted', justification: 'baseline: accepted in the baseline' }],
      [{ kind: 'external', status: 'accepted', justification: 'baseline: accepted in the baseline' }],
    ]);
  });

  it('moved lines, a renamed file and a reformat change nothing', () => {
    env.write('src/app.ts', `// a comment\n\n\nexport const config = {\n  token:    "${first}",\n};\n`);
    renameSync(env.path('src/app.ts'), env.path('src/settings.ts'));
    const { exitCode, report } = scan();
    expect(exitCode).toBe(0);
    expect(report.summary).toMatchObject({ findings: 0, suppressed: 2 });
  });

  it('a new secret is reported, alone', () => {
    const third = fakes.fake('github.pat.classic');
    env.write('src/new.ts', `const fresh = '${third}';\n`);
    const { exitCode, report } = scan();
    expect(exitCode).toBe(1);
    expect(report.findings.filter((finding: { suppressed: boolean }) => !finding.suppressed).map((finding: { occurrences: { path: string }[] }) => finding.occurrences[0]!.path)).toEqual(['new.ts']);
  });

  it('prune drops entries whose secret is gone; --report-unused names them first', () => {
    writeFileSync(env.path('src/.npmrc'), 'registry=https://registry.npmjs.org/\n');
    const unused = runCli(['scan', env.path('src'), '--format', 'json', '--baseline', baselineFile(), '--report-unused']);
    expect(unused.stderr).toMatch(/unused baseline entry sprawl\/v1:[0-9a-f]{40} \(npm\.access-token\): nothing matches it any more/);
    expect(runCli(['baseline', 'prune', env.path('src'), '--baseline', baselineFile()]).stderr).toBe(`sprawl: ${baselineFile()}: 1 unused entry dropped, 1 kept\n`);
    expect(JSON.parse(readFileSync(baselineFile(), 'utf8')).entries).toHaveLength(1);
  });
});

describe('sprawl ignore', () => {
  const env = new ScanEnv();
  afterAll(() => env.cleanup());

  it('accepts one fingerprint with a reason until a date, after which it is reported again', () => {
    const token = fakes.fake('github.pat.classic');
    env.write('repo/fixture.env', `TOKEN=${token}\n`);
    const before = JSON.parse(runCli(['scan', env.path('repo'), '--format', 'json']).stdout);
    const fingerprint = before.findings[0].fingerprint;
    const file = env.path('baseline.json');
    expect(runCli(['ignore', fingerprint, '--reason', 'test fixture', '--expires', '2099-12-31', '--by', 'sam', '--baseline', file]).exitCode).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).entries).toEqual([{ fingerprint, seenAt: [], reason: 'test fixture', by: 'sam', until: '2099-12-31' }]);
    const suppressed = runCli(['scan', env.path('repo'), '--format', 'json', '--baseline', file]);
    expect(suppressed.exitCode).toBe(0);
    runCli(['ignore', fingerprint, '--reason', 'test fixture', '--expires', '2020-01-01', '--baseline', file]);
    const expired = runCli(['scan', env.path('repo'), '--format', 'json', '--baseline', file]);
    expect(expired.exitCode).toBe(1);
    expect(expired.stderr).toContain(`baseline entry ${fingerprint} expired on 2020-01-01: its finding is reported again`);
  });

  it('rejects what is not a fingerprint, a day that does not exist, and a broken baseline names the file and field', () => {
    expect(runCli(['ignore', 'abc', '--reason', 'x'])).toMatchObject({ exitCode: 2, stderr: 'sprawl: abc: not a sprawl/v1 fingerprint (copy it from a report)\n' });
    const fingerprint = `sprawl/v1:${'0'.repeat(40)}`;
    const file = env.path('dates.json');
    expect(runCli(['ignore', fingerprint, '--reason', 'x', '--expires', '2027-02-30', '--baseline', file])).toMatchObject({ exitCode: 2, stderr: 'sprawl: --expires 2027-02-30: expected a date as YYYY-MM-DD\n' });
    const impossible = env.write('impossible.json', JSON.stringify({ version: 1, entries: [{ fingerprint, seenAt: [], until: '2027-13-01' }] }));
    env.write('clean/readme.md', 'nothing\n');
    expect(runCli(['scan', env.path('clean'), '--baseline', impossible])).toMatchObject({ exitCode: 2, stderr: `sprawl: ${impossible}: entries[0].until: expected a date as YYYY-MM-DD\n` });
    const broken = env.write('broken.json', JSON.stringify({ version: 1, entries: [{ fingerprint: 'nope', seenAt: [] }] }));
    env.write('clean/readme.md', 'nothing\n');
    expect(runCli(['scan', env.path('clean'), '--baseline', broken])).toMatchObject({ exitCode: 2, stderr: `sprawl: ${broken}: entries[0].fingerprint: expected a sprawl/v1 fingerprint\n` });
  });
});

describe('baselines survive history and machines', () => {
  it('two baselines of the same tree at different paths (two machines) are byte-identical', () => {
    const one = new ScanEnv('machine-one-');
    const two = new ScanEnv('machine-two-');
    try {
      const token = fakes.fake('github.pat.classic');
      for (const env of [one, two]) env.write('repo/src/app.ts', `const token = '${token}';\n`);
      runCli(['baseline', 'create', one.path('repo'), '--output', one.path('baseline.json')]);
      runCli(['baseline', 'create', two.path('repo'), '--output', two.path('baseline.json')]);
      expect(readFileSync(one.path('baseline.json'), 'utf8')).toBe(readFileSync(two.path('baseline.json'), 'utf8'));
    } finally {
      one.cleanup();
      two.cleanup();
    }
  });

  it('a git baseline survives a rebase; a new secret on a baselined line is reported', async () => {
    const { GitRepo } = await import('../support/git-repo.js');
    const env = new ScanEnv('rebase-');
    try {
      const repo = new GitRepo(env.path('repo'));
      const old = fakes.fake('github.pat.classic');
      repo.write('app.env', `TOKEN=${old}\n`).commit('add', '2024-01-01T00:00:00Z');
      repo.git('checkout', '-q', '-b', 'feature');
      repo.write('feature.txt', 'f\n').commit('feature', '2024-01-03T00:00:00Z');
      repo.git('checkout', '-q', 'main');
      repo.write('main.txt', 'm\n').commit('main', '2024-01-02T00:00:00Z');
      const baseline = env.path('baseline.json');
      expect(runCli(['baseline', 'create', repo.root, '--git', '--output', baseline]).exitCode).toBe(0);
      repo.git('checkout', '-q', 'feature');
      repo.git('rebase', '-q', 'main');
      repo.git('branch', '-q', '-D', 'main');
      expect(runCli(['git', repo.root, '--format', 'json', '--baseline', baseline]).exitCode).toBe(0);
      const added = fakes.fake('github.pat.classic');
      repo.write('app.env', `TOKEN=${old} BACKUP=${added}\n`).commit('second token on the same line', '2024-01-04T00:00:00Z');
      const result = runCli(['git', repo.root, '--format', 'json', '--baseline', baseline]);
      expect(result.exitCode).toBe(1);
      const active = JSON.parse(result.stdout).findings.filter((finding: { suppressed: boolean }) => !finding.suppressed);
      expect(active).toHaveLength(1);
      expect(active[0].occurrences[0].column).toBe(`TOKEN=${old} BACKUP=`.length + 1);
    } finally {
      env.cleanup();
    }
  });
});

describe('where baseline create writes, and prune reads', () => {
  // The file \`sprawl scan PATH\` reads: the config's \`baseline:\` (relative to the config), else
  // .sprawl-baseline.json at the scanned root, never the current directory's.
  const env = new ScanEnv();
  afterAll(() => env.cleanup());
  const token = fakes.fake('github.pat.classic');
  env.write('project/.sprawl.yml', 'baseline: config/accepted.json\n');
  env.write('project/config/README.md', 'accepted findings live here\n');
  env.write('project/app.env', `TOKEN=${token}\n`);
  env.write('plain/app.env', `TOKEN=${token}\n`);

  it("uses the config's baseline, so that the next scan of the path finds it", () => {
    const elsewhere = env.path('.');
    expect(runCli(['baseline', 'create', env.path('project')], { cwd: elsewhere })).toMatchObject({ exitCode: 0, stderr: `sprawl: ${env.path('project/config/accepted.json')}: 1 finding accepted\n` });
    expect(runCli(['scan', env.path('project')], { cwd: elsewhere }).exitCode).toBe(0);
    expect(runCli(['baseline', 'prune', env.path('project')], { cwd: elsewhere }).stderr).toBe(`sprawl: ${env.path('project/config/accepted.json')}: 0 unused entries dropped, 1 kept\n`);
  });

  it('without a config, writes .sprawl-baseline.json at the scanned root', () => {
    expect(runCli(['baseline', 'create', env.path('plain')], { cwd: env.path('.') }).exitCode).toBe(0);
    expect(JSON.parse(readFileSync(env.path('plain/.sprawl-baseline.json'), 'utf8')).entries).toHaveLength(1);
  });
});
