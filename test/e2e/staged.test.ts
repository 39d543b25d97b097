/**
 * `sprawl staged` end to end: real repositories built with real `git` in temp dirs, the built binary,
 * generated fakes. What is scanned is the index (what `git commit` would record), never the working copy.
 */
import { symlinkSync, writeFileSync } from 'node:fs';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fakeMaker } from '../support/fakes.js';
import { GitScanEnv, trackedEnvs } from '../support/git-repo.js';
import { schemaErrors } from '../support/sarif-validation.js';
import { runCli, ScanEnv, scanJson, type JsonReport } from '../support/scan-env.js';

class StagedEnv extends GitScanEnv {
  constructor() {
    super('sprawl-staged-');
  }

  staged(...args: string[]) {
    const result = runCli(['staged', '--format', 'json', ...args], { cwd: this.root });
    if (result.exitCode > 1) throw new Error(`staged failed (${result.exitCode}): ${result.stderr}`);
    return { ...result, report: JSON.parse(result.stdout) as JsonReport };
  }
}

const plainDir = trackedEnvs(() => new ScanEnv('sprawl-not-a-repo-'));
const repo = trackedEnvs(() => new StagedEnv());

function places(report: JsonReport) {
  return report.findings.flatMap((finding) =>
    finding.occurrences.map(({ path, line, column, endColumn }) => ({ ruleId: finding.ruleId, path, line, column, endColumn })),
  );
}

describe('sprawl staged', () => {
  const fakes = fakeMaker('staged');

  it('blocks a staged secret in the initial commit (no HEAD yet), naming file, line and rule', () => {
    const env = repo();
    const token = fakes.fake('github.pat.classic');
    env.stage('config/app.env', `# app settings\nGITHUB_TOKEN=${token}\n`);
    env.stage('README.md', 'hello\n');
    const { exitCode, report, stderr } = env.staged();
    expect(exitCode).toBe(1);
    expect(report.summary).toMatchObject({ findings: 1, filesScanned: 2 });
    expect(places(report)).toEqual([{ ruleId: 'github.pat.classic', path: 'config/app.env', line: 2, column: 14, endColumn: 14 + token.length }]);
    expect(stderr).toBe(
      [
        'sprawl: 1 secret in the staged changes; the commit is blocked:',
        '  config/app.env:2:14  github.pat.classic (critical)',
        '  Remove it from the staged file (and rotate it if it is real). A false positive: add a `sprawl:allow`',
        '  comment on its line (e.g. `# sprawl:allow test fixture`) and stage the file again.',
        '',
      ].join('\n'),
    );
    expect(stderr + JSON.stringify(report)).not.toContain(token);

    env.git('commit', '-q', '--no-verify', '-m', 'initial');
    const after = env.staged();
    expect(after.exitCode).toBe(0);
    expect(after.report.summary).toMatchObject({ findings: 0, filesScanned: 0 });
  });

  it('does not see an unstaged edit: a clean staged version passes though the working copy holds a secret', () => {
    const env = repo();
    env.stage('app.py', 'import os\n');
    env.git('commit', '-q', '-m', 'base');
    env.stage('app.py', 'import os\nprint("hello")\n');
    env.write('app.py', `import os\nprint("hello")\nTOKEN = "${fakes.fake('github.pat.classic')}"\n`);
    const { exitCode, report } = env.staged();
    expect(exitCode).toBe(0);
    expect(report.summary).toMatchObject({ findings: 0, filesScanned: 1 });
    expect(scanJson([env.root]).exitCode).toBe(1); // the working copy does hold one
  });

  it('sees a staged secret already removed from the working copy, at its line in the staged version', () => {
    const env = repo();
    const token = fakes.fake('github.pat.classic');
    env.stage('notes.md', 'a\n');
    env.git('commit', '-q', '-m', 'base');
    env.stage('src/deploy.sh', `#!/bin/sh\nset -e\n\n# deploy\ncurl -H "Authorization: token ${token}" https://api.github.com/user\n`);
    env.write('src/deploy.sh', `${'# a line added in the working copy only\n'.repeat(10)}echo nothing\n`);
    const { exitCode, report } = env.staged();
    expect(exitCode).toBe(1);
    expect(places(report)).toEqual([{ ruleId: 'github.pat.classic', path: 'src/deploy.sh', line: 5, column: 31, endColumn: 31 + token.length }]);
    expect(scanJson([env.root]).report.summary.findings).toBe(0);
  });

  it('lets a secret with a sprawl:allow comment through, reported as allowed', () => {
    const env = repo();
    const token = fakes.fake('github.pat.classic');
    env.stage('test/fixture.ts', `export const fixture = '${token}'; // sprawl:allow test fixture\n`);
    const { exitCode, report, stderr } = env.staged();
    expect(exitCode).toBe(0);
    expect(stderr).toBe('');
    expect(report.summary).toMatchObject({ findings: 0, suppressed: 1 });
    expect(report.findings[0]!.occurrences[0]).toMatchObject({ path: 'test/fixture.ts', line: 1, column: 25, allowed: { reason: 'test fixture' } });
    expect(env.staged('--no-ignore').exitCode).toBe(1);
  });

  it('gives the same findings and fingerprints as `sprawl scan`, in every format, on the same content', () => {
    const env = repo();
    const token = fakes.fake('github.pat.classic');
    const slack = fakes.fake('slack.bot-token');
    env.stage('a.env', `GITHUB_TOKEN=${token}\nSLACK=${slack}\n`);
    env.stage('b/copy.env', `GITHUB_TOKEN=${token}\n`);
    const staged = env.staged();
    const scanned = scanJson([env.root]);
    expect(staged.exitCode).toBe(1);
    const summary = (report: JsonReport) => report.findings.map(({ fingerprint, ruleId, sprawlCount, severity }) => ({ fingerprint, ruleId, sprawlCount, severity }));
    expect(summary(staged.report)).toEqual(summary(scanned.report));
    expect(places(staged.report)).toEqual(places(scanned.report));
    expect(staged.report.findings.find((finding) => finding.ruleId === 'github.pat.classic')!.sprawlCount).toBe(2);

    const sarif = runCli(['staged', '--format', 'sarif'], { cwd: env.root });
    expect(sarif.exitCode).toBe(1);
    const results = JSON.parse(sarif.stdout).runs[0].results as { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[];
    expect(results.map((result) => `${result.ruleId} ${result.locations[0]!.physicalLocation.artifactLocation.uri}:${result.locations[0]!.physicalLocation.region.startLine}`).sort()).toEqual(
      ['github.pat.classic a.env:1', 'github.pat.classic b/copy.env:1', 'slack.bot-token a.env:2'],
    );
    const text = runCli(['staged'], { cwd: env.root });
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toContain('a.env:1:14');
    expect(runCli(['staged', '--fail-on', 'none'], { cwd: env.root }).exitCode).toBe(0);
  });

  it('scans renamed, modified and force-added files; skips deletions; counts binaries, links and submodules', () => {
    const env = repo();
    const token = fakes.fake('github.pat.classic');
    env.stage('old-name.env', `GITHUB_TOKEN=${token}\n`);
    env.stage('gone.env', `GITHUB_TOKEN=${fakes.fake('github.pat.classic')}\n`);
    env.git('commit', '-q', '-m', 'base');
    env.git('mv', 'old-name.env', 'new-name.env');
    env.git('rm', '-q', 'gone.env');
    env.write('.gitignore', 'secrets/\n');
    env.git('add', '.gitignore');
    env.write('secrets/prod.env', `GITHUB_TOKEN=${token}\n`);
    env.git('add', '-f', 'secrets/prod.env');
    env.stage('image.bin', Buffer.concat([Buffer.from([0x89, 0x50, 0x00, 0x00]), Buffer.from(`GITHUB_TOKEN=${token}`)]));
    symlinkSync('new-name.env', env.path('link.env'));
    env.git('add', 'link.env');
    const head = env.git('rev-parse', 'HEAD').trim();
    env.git('update-index', '--add', '--cacheinfo', `160000,${head},vendor/lib`);
    const { exitCode, report, stderr } = env.staged();
    expect(exitCode).toBe(1);
    expect(places(report)).toEqual([
      { ruleId: 'github.pat.classic', path: 'new-name.env', line: 1, column: 14, endColumn: 14 + token.length },
      { ruleId: 'github.pat.classic', path: 'secrets/prod.env', line: 1, column: 14, endColumn: 14 + token.length },
    ]);
    // The rename carries a committed secret along (not blocking); the force-added copy is new (blocking).
    expect(report.findings[0]!.occurrences.map((occurrence) => occurrence.alreadyCommitted)).toEqual([{ ref: 'HEAD', path: 'old-name.env' }, undefined]);
    expect(stderr).toContain('sprawl: 1 secret in the staged changes; the commit is blocked:\n  secrets/prod.env:1:14');
    expect(report.skipped).toEqual([
      { path: 'image.bin', reason: 'binary' },
      { path: 'link.env', reason: 'symlink' },
      { path: 'vendor/lib', reason: 'submodule' },
    ]);
    expect(report.summary.filesScanned).toBe(3); // .gitignore, new-name.env, secrets/prod.env
  });

  it('does not block a commit for a secret already in HEAD that it leaves in place, moves or renames; a new copy blocks', () => {
    const env = repo();
    const token = fakes.fake('github.pat.classic');
    const encoded = Buffer.from(`GITHUB_TOKEN=${fakes.fake('github.pat.classic')}`).toString('base64');
    env.stage('app.env', `# settings\nGITHUB_TOKEN=${token}\nDEBUG=0\n`);
    env.stage('deploy.yml', `env:\n  BLOB: ${encoded}\n`);
    env.git('commit', '-q', '--no-verify', '-m', 'base');

    // Another line of the file changes: the secret is reported, suppressed, and named in a note.
    env.stage('app.env', `# settings\nGITHUB_TOKEN=${token}\nDEBUG=1\n`);
    const untouched = env.staged();
    expect(untouched.exitCode).toBe(0);
    expect(untouched.report.summary).toMatchObject({ findings: 0, suppressed: 1 });
    expect(untouched.report.findings[0]!.occurrences).toMatchObject([{ path: 'app.env', line: 2, column: 14, alreadyCommitted: { ref: 'HEAD', path: 'app.env' } }]);
    expect(untouched.stderr).toBe(
      [
        'sprawl: note: 1 secret is already committed in files these changes touch (not blocking: the commit does not add it):',
        '  app.env:2:14  github.pat.classic (critical)',
        '  Committed secrets stay in history: rotate it, then remove it (sprawl git shows since when).',
        '',
      ].join('\n'),
    );
    const sarif = runCli(['staged', '--format', 'sarif'], { cwd: env.root });
    expect(sarif.exitCode).toBe(0);
    const sarifLog = JSON.parse(sarif.stdout);
    expect(schemaErrors(sarifLog)).toEqual([]);
    expect(sarifLog.runs[0].results[0].suppressions).toEqual([
      { kind: 'external', status: 'accepted', justification: 'already committed (in HEAD as app.env); the staged changes do not add it' },
    ]);
    const text = runCli(['staged'], { cwd: env.root });
    expect(text.stdout).toContain('no findings; 1 suppressed (allowed inline, in the baseline, or already committed)');

    // Moved to another line and re-indented, and encoded text re-wrapped into a list: the same text, not blocking.
    env.stage('app.env', `DEBUG=1\n  GITHUB_TOKEN=${token}\n`);
    env.stage('deploy.yml', `env:\n  - ${encoded}\n`);
    const moved = env.staged('--decode', '1');
    expect(moved.exitCode).toBe(0);
    expect(moved.report.findings.map((finding) => finding.occurrences.map((occurrence) => `${occurrence.path}:${occurrence.line} ${occurrence.alreadyCommitted?.path}`))).toEqual([['app.env:2 app.env'], ['deploy.yml:2 deploy.yml']]);

    // A second copy in the same file is new: both places are listed, and the commit is blocked.
    env.stage('app.env', `GITHUB_TOKEN=${token}\nDEBUG=1\nBACKUP_TOKEN=${token}\n`);
    const copied = env.staged();
    expect(copied.exitCode).toBe(1);
    expect(copied.stderr).toContain('sprawl: 2 secrets in the staged changes; the commit is blocked:\n  app.env:1:14  github.pat.classic (critical)\n  app.env:3:14');

    // Renamed with an edit: compared with the file it was.
    env.git('checkout', '-q', 'HEAD', '--', 'app.env');
    env.git('mv', 'app.env', 'config.env');
    env.stage('config.env', `# settings\nGITHUB_TOKEN=${token}\nDEBUG=0\nLOG=1\n`);
    const renamed = env.staged();
    expect(renamed.exitCode).toBe(0);
    expect(renamed.report.findings.flatMap((finding) => finding.occurrences.map((occurrence) => `${occurrence.path} ${occurrence.alreadyCommitted?.path}`))).toEqual(['config.env app.env']);

    // The same secret committed to a new file is new sprawl, whatever HEAD holds elsewhere.
    env.stage('other.env', `GITHUB_TOKEN=${token}\n`);
    const spread = env.staged();
    expect(spread.exitCode).toBe(1);
    expect(spread.stderr).toContain('the commit is blocked:\n  other.env:1:14  github.pat.classic (critical)\n  Remove it');
  });

  it('concluding a merge or a cherry-pick: a secret the commit brought in does not block; one the resolution adds does', () => {
    const env = repo();
    const [theirs, resolution] = [fakes.fake('github.pat.classic'), fakes.fake('github.pat.classic')];
    env.stage('app.env', 'DEBUG=0\n');
    env.git('commit', '-q', '--no-verify', '-m', 'base');
    env.git('checkout', '-q', '-b', 'feature');
    env.stage('app.env', `DEBUG=1\nGITHUB_TOKEN=${theirs}\n`);
    env.stage('feature.env', `GITHUB_TOKEN=${theirs}\n`);
    env.git('commit', '-q', '--no-verify', '-m', 'feature');
    env.git('checkout', '-q', 'main');
    env.stage('app.env', 'DEBUG=2\n');
    env.git('commit', '-q', '--no-verify', '-m', 'main');
    expect(env.run('merge', '-q', 'feature').exitCode).not.toBe(0); // app.env conflicts
    env.stage('app.env', `DEBUG=2\nGITHUB_TOKEN=${theirs}\n`);
    const concluded = env.staged();
    expect(concluded.exitCode).toBe(0);
    expect(concluded.report.findings.flatMap((finding) => finding.occurrences.map((occurrence) => `${occurrence.path} ${occurrence.alreadyCommitted?.ref}`)).sort()).toEqual(['app.env MERGE_HEAD', 'feature.env MERGE_HEAD']);

    env.stage('app.env', `DEBUG=2\nGITHUB_TOKEN=${theirs}\nBACKUP=${resolution}\n`);
    const added = env.staged();
    expect(added.exitCode).toBe(1);
    expect(added.stderr).toContain('the commit is blocked:\n  app.env:3:8  github.pat.classic (critical)\n');

    // The same for a cherry-pick stopped on a conflict: the picked commit's secrets are committed already.
    env.git('merge', '--abort');
    expect(env.run('cherry-pick', 'feature').exitCode).not.toBe(0);
    env.stage('app.env', `DEBUG=2\nGITHUB_TOKEN=${theirs}\n`);
    const picked = env.staged();
    expect(picked.exitCode).toBe(0);
    expect(picked.report.findings.flatMap((finding) => finding.occurrences.map((occurrence) => `${occurrence.path} ${occurrence.alreadyCommitted?.ref}`)).sort()).toEqual(['app.env CHERRY_PICK_HEAD', 'feature.env CHERRY_PICK_HEAD']);
  });

  it('concluding a merge of a branch that edited a file HEAD renamed: compared with the file under its old name', () => {
    const env = repo();
    const token = fakes.fake('github.pat.classic');
    const lines = 'a=1\nb=2\nc=3\nd=4\ne=5\n';
    env.stage('config.py', lines);
    env.git('commit', '-q', '--no-verify', '-m', 'base');
    env.git('checkout', '-q', '-b', 'feature');
    env.stage('config.py', `${lines}tok="${token}"\n`);
    env.git('commit', '-q', '--no-verify', '-m', 'feature adds a token');
    env.git('checkout', '-q', 'main');
    env.git('mv', 'config.py', 'settings.py');
    env.stage('settings.py', lines.replace('b=2', 'b=9'));
    env.git('commit', '-q', '--no-verify', '-m', 'rename and edit');
    env.git('merge', '-q', '--no-commit', 'feature');
    const { exitCode, report } = env.staged();
    expect(exitCode).toBe(0);
    expect(report.findings.flatMap((finding) => finding.occurrences.map((occurrence) => occurrence.alreadyCommitted))).toEqual([{ ref: 'MERGE_HEAD', path: 'config.py' }]);
  });

  it('concluding an octopus merge: what every merged branch committed does not block', () => {
    const env = repo();
    const [first, second] = [fakes.fake('github.pat.classic'), fakes.fake('github.pat.classic')];
    env.stage('README.md', '# app\n');
    env.git('commit', '-q', '--no-verify', '-m', 'base');
    for (const [branch, token] of [['b1', first], ['b2', second]] as const) {
      env.git('checkout', '-q', '-b', branch, 'main');
      env.stage(`${branch}.py`, `TOKEN = "${token}"\n`);
      env.git('commit', '-q', '--no-verify', '-m', branch);
    }
    env.git('checkout', '-q', 'main');
    env.git('merge', '-q', '--no-commit', 'b1', 'b2');
    const { exitCode, report } = env.staged();
    expect(exitCode).toBe(0);
    expect(report.findings.flatMap((finding) => finding.occurrences.map((occurrence) => `${occurrence.path} ${occurrence.alreadyCommitted?.ref}`)).sort()).toEqual(['b1.py MERGE_HEAD', 'b2.py MERGE_HEAD']);
  });

  it('a new secret in a gzip file whose header holds no early NUL byte blocks; a rebase long finished excuses nothing', () => {
    const env = repo();
    const [old, fresh] = [fakes.fake('github.pat.classic'), fakes.fake('github.pat.classic')];
    // A gzip member with an 8,100-byte extra field (FEXTRA): no NUL in its first 8,000 bytes.
    const gzipWithExtra = (text: string) => {
      const body = Buffer.from(text);
      const extra = Buffer.alloc(8100, 0x41);
      const header = Buffer.from([0x1f, 0x8b, 0x08, 0x04, 1, 1, 1, 1, 0x00, 0x03, extra.length & 0xff, extra.length >> 8]);
      const trailer = Buffer.alloc(8);
      trailer.writeUInt32LE(crc32(body), 0);
      trailer.writeUInt32LE(body.length, 4);
      return Buffer.concat([header, extra, deflateRawSync(body), trailer]);
    };
    env.stage('data.gz', gzipWithExtra(`token=${old}\n`));
    env.stage('app.env', `TOKEN=${old}\n`);
    env.git('commit', '-q', '--no-verify', '-m', 'base');
    env.stage('data.gz', gzipWithExtra(`token=${old}\ntoken=${fresh}\n`));
    expect(env.staged().exitCode).toBe(1);
    env.git('reset', '-q');

    // git leaves REBASE_HEAD behind when a rebase ends; without a rebase in progress it names nothing.
    const holding = env.git('rev-parse', 'HEAD').trim();
    env.stage('app.env', '# removed\n');
    env.git('commit', '-q', '--no-verify', '-m', 'remove');
    writeFileSync(env.path('.git/REBASE_HEAD'), `${holding}\n`);
    env.stage('app.env', `TOKEN=${old}\n`);
    expect(env.staged().exitCode).toBe(1);
  });

  it('a file of many committed secrets, edited: only the new token and the new copy block (all counted in one pass)', () => {
    const env = repo();
    const tokens = Array.from({ length: 40 }, () => fakes.fake('github.pat.classic'));
    const fresh = fakes.fake('github.pat.classic');
    const row = (token: string, index: number) => `INSERT INTO tokens VALUES (${index}, '${token}');`;
    env.stage('dump.sql', `${tokens.map(row).join('\n')}\n`);
    env.git('commit', '-q', '--no-verify', '-m', 'base');
    env.stage('dump.sql', `-- header\n${tokens.map(row).join('\n')}\n${row(fresh, 40)}\n${row(tokens[3]!, 41)}\n`);
    const { exitCode, report } = env.staged();
    expect(exitCode).toBe(1);
    const blocking = report.findings.flatMap((finding) => finding.occurrences.filter((occurrence) => !occurrence.alreadyCommitted).map((occurrence) => occurrence.line));
    // The fresh token's line, and both places of the token that now appears twice (which copy is new is not told).
    expect(blocking.sort((a, b) => a - b)).toEqual([5, 42, 43]);
    expect(report.summary.suppressed).toBe(39);
  });

  it('compares UTF-16 text as decoded; an allowed copy in HEAD does not excuse a new one; compressed content counts as new', () => {
    const env = repo();
    const [kept, replaced, replacement] = [fakes.fake('github.pat.classic'), fakes.fake('github.pat.classic'), fakes.fake('github.pat.classic')];
    const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    env.stage('deploy.ps1', utf16(`$a = 1\r\n$Token = "${kept}"\r\n`));
    env.stage('rotate.ps1', utf16(`$a = 1\r\n$Token = "${replaced}"\r\n`));
    env.stage('settings.py', `FIXTURE = "${kept}"  # sprawl:allow test fixture\n`);
    env.stage('dump.sql.gz', gzipSync(`-- dump\nINSERT INTO t VALUES ('${kept}');\n`));
    env.git('commit', '-q', '--no-verify', '-m', 'base');

    env.stage('deploy.ps1', utf16(`$a = 2\r\n$Token = "${kept}"\r\n`));
    env.stage('rotate.ps1', utf16(`$a = 1\r\n$Token = "${replacement}"\r\n`));
    const decoded = env.staged();
    expect(decoded.exitCode).toBe(1);
    expect(decoded.report.findings.flatMap((finding) => finding.occurrences.map((occurrence) => `${occurrence.path}:${occurrence.line}:${occurrence.column} ${occurrence.alreadyCommitted?.path}`)).sort()).toEqual([
      'deploy.ps1:2:11 deploy.ps1',
      'rotate.ps1:2:11 undefined',
    ]);
    env.git('reset', '-q');

    env.stage('settings.py', `FIXTURE = "${kept}"  # sprawl:allow test fixture\nREAL_TOKEN = "${kept}"\n`);
    const allowedCopy = env.staged();
    expect(allowedCopy.exitCode).toBe(1);
    expect(allowedCopy.stderr).toContain('the commit is blocked:\n  settings.py:2:15  github.pat.classic (critical)\n');
    env.git('reset', '-q');

    // Its lines are those of the decompressed text, which the blob's bytes do not show: new, to be safe.
    env.stage('dump.sql.gz', gzipSync(`-- dump\nINSERT INTO t VALUES ('${kept}');\nINSERT INTO t VALUES ('x');\n`));
    expect(env.staged().exitCode).toBe(1);
  });

  it('honours .sprawlignore (the staged version) and --exclude', () => {
    const env = repo();
    const token = fakes.fake('github.pat.classic');
    env.stage('.sprawlignore', 'fixtures/\n');
    env.stage('fixtures/a.env', `GITHUB_TOKEN=${token}\n`);
    env.stage('nested/.sprawlignore', '*.log\n');
    env.stage('nested/debug.log', `token=${token}\n`);
    env.stage('vendor/lib.env', `GITHUB_TOKEN=${token}\n`);
    env.stage('app.env', `GITHUB_TOKEN=${token}\n`);
    expect(places(env.staged('--exclude', 'vendor/**').report).map((place) => place.path)).toEqual(['app.env']);
    expect(places(env.staged().report).map((place) => place.path)).toEqual(['app.env', 'vendor/lib.env']);
    // The working copy's .sprawlignore is not what is committed: the staged one applies.
    env.write('.sprawlignore', 'fixtures/\napp.env\n');
    expect(places(env.staged().report).map((place) => place.path)).toEqual(['app.env', 'vendor/lib.env']);
    expect(places(env.staged('--no-ignore').report).map((place) => place.path)).toEqual(['app.env', 'fixtures/a.env', 'nested/debug.log', 'vendor/lib.env']);
  });

  it('gives the same answer through the worker pool (--threads) and for a commit too large to scan in-process', () => {
    const env = repo();
    const token = fakes.fake('github.pat.classic');
    env.stage('a.env', `GITHUB_TOKEN=${token}\n`);
    const filler = 'const value = compute(input); // ordinary code\n';
    const lines = Math.ceil((9 * 1024 * 1024) / filler.length);
    env.stage('big/generated.js', `${filler.repeat(lines)}GITHUB_TOKEN=${token}\n`);
    const inProcessLimitPassed = env.staged();
    const pooled = env.staged('--threads', '2');
    const expected = [
      { ruleId: 'github.pat.classic', path: 'a.env', line: 1, column: 14, endColumn: 14 + token.length },
      { ruleId: 'github.pat.classic', path: 'big/generated.js', line: lines + 1, column: 14, endColumn: 14 + token.length },
    ];
    expect(places(inProcessLimitPassed.report)).toEqual(expected);
    expect(places(pooled.report)).toEqual(expected);

    env.git('rm', '-q', '--cached', 'big/generated.js');
    expect(places(env.staged().report)).toEqual(expected.slice(0, 1));
    expect(places(env.staged('--threads', '1').report)).toEqual(expected.slice(0, 1));
  });

  it("follows the project config's fail_on, and lists only what blocks", () => {
    const env = repo();
    const token = fakes.fake('github.pat.classic');
    env.stage('.sprawl.yml', 'fail_on: critical\n');
    env.stage('db.py', `password = "${fakes.fake('generic.password.double-quoted')}"\n`);
    const medium = env.staged();
    expect(medium.report.findings.map((finding) => `${finding.ruleId} ${finding.severity}`)).toEqual(['generic.password.double-quoted medium']);
    expect(medium.exitCode).toBe(0);
    expect(medium.stderr).toBe('');
    expect(env.staged('--fail-on', 'medium').exitCode).toBe(1);

    env.stage('app.env', `GITHUB_TOKEN=${token}\n`);
    const critical = env.staged();
    expect(critical.exitCode).toBe(1);
    expect(critical.stderr.split('\n').slice(0, 2)).toEqual(['sprawl: 1 secret in the staged changes; the commit is blocked:', '  app.env:1:14  github.pat.classic (critical)']);
  });

  it('exits 2 with one line outside a repository, or without git', () => {
    const env = plainDir();
    const outside = runCli(['staged'], { cwd: env.root });
    expect(outside.exitCode).toBe(2);
    expect(outside.stderr).toBe(`sprawl: ${env.root}: not a git repository\n`);
    expect(outside.stdout).toBe('');

    const withoutGit = runCli(['staged'], { cwd: env.root, env: { PATH: env.path('no-bin') } });
    expect(withoutGit.exitCode).toBe(2);
    expect(withoutGit.stderr).toBe('sprawl: git: command not found (sprawl needs git on the PATH to read repositories)\n');

    const missing = runCli(['staged', env.path('nope')]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toBe(`sprawl: ${env.path('nope')}: no such directory\n`);
  });
});
