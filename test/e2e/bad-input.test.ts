/**
 * Hostile and broken inputs: each must end the scan cleanly, report the problem and exit with the
 * documented code (0 clean, 1 findings, 2 usage or input error), never with a stack trace.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHUNK_BYTES, OVERLAP_BYTES } from '../../src/engine/chunked-scan.js';
import { MAX_MATCHES_PER_RULE, MAX_VALUES_PER_RULE } from '../../src/engine/match-limit.js';
import { MAX_ENCODED_RUNS_PER_CHUNK } from '../../src/detectors/encoded-text.js';
import { fakeMaker } from '../support/fakes.js';
import { CLI_PATH, REPO_ROOT, runCli, ScanEnv, scanJson } from '../support/scan-env.js';

const env = new ScanEnv();
const fakes = fakeMaker('bad-input');
afterAll(() => env.cleanup());

describe('usage and input errors exit 2 with one line naming the problem', () => {
  it('a path that does not exist', () => {
    const result = runCli(['scan', env.path('no-such-dir')]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(`sprawl: ${env.path('no-such-dir')}: no such file or directory\n`);
  });

  it('an unknown option', () => {
    const result = runCli(['scan', '--no-such-flag']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe("sprawl: unknown option '--no-such-flag' (run sprawl --help for usage)\n");
  });

  it('more threads than the machine can use (each holds its own rules), named with the limit', () => {
    const result = runCli(['scan', env.path('.'), '--threads', '100000']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^sprawl: option '-j, --threads <n>' argument '100000' is invalid\. at most \d+ \(four per core here\)\. \(run sprawl --help for usage\)\n$/);
  });

  // Root reads everything: as root, the CLI runs as `nobody` for this (setpriv, util-linux).
  const asUnprivileged = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
  const canDropPrivileges = asUnprivileged.length === 0 || spawnSync('setpriv', ['--version']).status === 0;
  it.skipIf(!canDropPrivileges)('a path the user cannot read: exit 2 and why, not a clean scan of nothing', () => {
    const shared = mkdtempSync(path.join(tmpdir(), 'sprawl-locked-'));
    try {
      chmodSync(shared, 0o755);
      mkdirSync(path.join(shared, 'locked'));
      writeFileSync(path.join(shared, 'locked', 'app.env'), 'x\n');
      chmodSync(path.join(shared, 'locked'), 0o000);
      for (const target of [path.join(shared, 'locked'), path.join(shared, 'locked', 'app.env')]) {
        const [command, ...prefix] = [...asUnprivileged, process.execPath];
        const result = spawnSync(command!, [...prefix, CLI_PATH, 'scan', target], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
        expect(result.status).toBe(2);
        expect(result.stderr).toBe(`sprawl: ${target}: cannot be read (EACCES), so nothing would be scanned\n`);
      }
    } finally {
      chmodSync(path.join(shared, 'locked'), 0o755);
      rmSync(shared, { recursive: true, force: true });
    }
  });

  it('a file, not a repository folder, given to sprawl git', () => {
    const file = env.write('plain.txt', 'x\n');
    const result = runCli(['git', file]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(`sprawl: ${file}: not a directory (give the repository's folder)\n`);
  });

  it('a rule whose pattern RE2 cannot compile names the file, line and rule', () => {
    const rules = env.write('rules/lookahead.yml', ruleFileWithPattern("'(?=secret)(a+)'"));
    const result = runCli(['scan', env.path('rules'), '--rules', rules]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(`sprawl: ${rules}:10: rule acme.key: pattern does not compile (invalid perl operator: (?=)\n`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("a rule whose 'preceded_by' RE2 cannot compile names the file, line and rule", () => {
    const rules = env.write('rules/preceded.yml', ruleFileWithPattern("'(a+)'\n    preceded_by: '(?<=x)'"));
    const result = runCli(['rules', 'check', rules]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(`sprawl: ${rules}:11: rule acme.key: 'preceded_by' does not compile (invalid perl operator: (?<=)\n`);
  });

  it('a rule file that is not valid YAML', () => {
    const rules = env.write('rules/broken.yml', 'rules:\n  - id: [unclosed\n');
    const result = runCli(['rules', 'check', rules]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^sprawl: ${rules.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: invalid YAML \\(.+\\)\\n$`));
  });

  it('a config or a baseline that is a link to an endless device (it read until memory ran out, then aborted)', () => {
    env.write('endless/a.txt', 'x=1\n');
    symlinkSync('/dev/zero', env.path('endless/.sprawl.yml'));
    expect(runCli(['scan', env.path('endless')])).toMatchObject({ exitCode: 2, stderr: `sprawl: ${env.path('endless/.sprawl.yml')}: cannot read the config file (not a regular file)\n` });
    const emptyConfig = env.write('empty-config.yml', '');
    expect(runCli(['scan', env.path('endless'), '--config', emptyConfig, '--baseline', '/dev/zero'])).toMatchObject({ exitCode: 2, stderr: 'sprawl: /dev/zero: cannot read the baseline (not a regular file)\n' });
  });

  it('a folder given as the config file (it was an internal error, exit 3)', () => {
    env.write('config-folder/settings/readme.md', 'not a config\n');
    const result = runCli(['scan', env.path('config-folder'), '--config', env.path('config-folder/settings')]);
    expect(result).toMatchObject({ exitCode: 2, stderr: `sprawl: ${env.path('config-folder/settings')}: cannot read the config file (EISDIR)\n` });
  });

  it('a folder given for rules that holds no rule files (it scanned without any of the user\'s rules)', () => {
    env.write('no-rules/readme.md', 'rules live elsewhere\n');
    for (const args of [['scan', env.path('no-rules'), '--rules', env.path('no-rules')], ['rules', 'check', env.path('no-rules')]]) {
      const result = runCli(args);
      expect(result).toMatchObject({ exitCode: 2, stderr: `sprawl: ${env.path('no-rules')}: no rule files (*.yml, *.yaml) in this folder\n` });
    }
  });

  it('YAML whose aliases would expand without bound, in a config or a rule file (it was an internal error, exit 3)', () => {
    const laughs = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, level) => `a${level + 1}: &a${level + 1} [${Array(10).fill(`*a${level}`).join(', ')}]`)].join('\n');
    env.write('laughs/.sprawl.yml', `${laughs}\n`);
    expect(runCli(['scan', env.path('laughs')])).toMatchObject({ exitCode: 2, stderr: `sprawl: ${env.path('laughs/.sprawl.yml')}:1: invalid YAML (Excessive alias count indicates a resource exhaustion attack)\n` });
    const rules = env.write('laughs-rules/r.yml', `${laughs.replace(/^a(\d+):/gm, 'x$1:').replace(/^x0:/, 'rules: []\nx0:')}\n`);
    expect(runCli(['rules', 'check', rules])).toMatchObject({ exitCode: 2, stderr: `sprawl: ${rules}:1: invalid YAML (Excessive alias count indicates a resource exhaustion attack)\n` });
  });

  it("a user's rule that takes a built-in rule's id: rules check refuses it as scan does", () => {
    const rules = env.write(
      'clash/mine.yml',
      ['provider: acme', 'rules:', '  - id: slack.bot-token', '    name: Acme key', '    description: d', '    lifetime: durable', '    lifetime_evidence: e', '    severity: high', '    keywords: [acme_]', "    pattern: '\\b(acme_[a-z0-9]{20})\\b'", "    fake: 'acme_[a-z0-9]{20}'", '    cwe: [CWE-798]', '    nhi: [NHI2]', '    remediation: r', '    references: [https://example.com]', '    examples:', "      - 'k = {{fake}}'", ''].join('\n'),
    );
    const expected = { exitCode: 2, stderr: expect.stringMatching(new RegExp(`^sprawl: ${rules.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: rule slack\\.bot-token: duplicate rule id \\(also at .*slack\\.yml:\\d+\\)\\n$`)) };
    expect(runCli(['rules', 'check', rules])).toMatchObject(expected);
    expect(runCli(['scan', env.path('clash'), '--rules', rules])).toMatchObject(expected);
  });

  it('a socket given as the path to scan, and a current folder that no longer exists', async () => {
    const socketPath = env.path('scan.sock');
    const server = createServer().listen(socketPath);
    await once(server, 'listening');
    try {
      const result = spawnSync(process.execPath, [CLI_PATH, 'scan', socketPath], { encoding: 'utf8' });
      expect(result).toMatchObject({ status: 2, stderr: `sprawl: ${socketPath}: not a file, folder or pipe (a socket or device), so nothing would be scanned\n` });
    } finally {
      server.close();
    }
    const gone = env.path('gone');
    mkdirSync(gone);
    const removed = spawnSync('sh', ['-c', `cd "${gone}" && rmdir "${gone}" && exec "${process.execPath}" "${CLI_PATH}" scan "${env.path('no-such-dir')}"`], { encoding: 'utf8' });
    expect(removed).toMatchObject({ status: 2, stderr: 'sprawl: the current folder no longer exists (cd to one that does)\n' });
  });

  it('an output file in a directory that does not exist, leaving nothing behind', () => {
    env.write('clean/readme.md', 'nothing here\n');
    const result = runCli(['scan', env.path('clean'), '--output', env.path('missing-dir/report.sarif')]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(`sprawl: ${env.path('missing-dir/report.sarif')}: cannot write the report (ENOENT)\n`);
  });
});

describe('inputs that must not break a scan', () => {
  it('a single-line file many times the chunk size, with secrets across every chunk boundary', () => {
    const tokens = [fakes.fake('github.pat.classic'), fakes.fake('github.pat.classic'), fakes.fake('github.pat.classic'), fakes.fake('github.pat.classic')];
    // Around the end of the first read (CHUNK + OVERLAP), around the accept line (CHUNK), and deep in the third chunk.
    const offsets = [CHUNK_BYTES + OVERLAP_BYTES - 20, CHUNK_BYTES - 20, 2 * CHUNK_BYTES + 5, 3 * CHUNK_BYTES - 7];
    const length = 4 * CHUNK_BYTES + 12345;
    const line = Buffer.alloc(length, 'a');
    offsets.forEach((offset, index) => {
      line.write(` ${tokens[index]} `, offset - 1);
    });
    env.write('huge/one-line.txt', line);
    const { report } = scanJson([env.path('huge')]);
    expect(report.summary.filesScanned).toBe(1);
    const found = report.findings.map((finding) => ({ column: finding.occurrences[0]!.column, count: finding.sprawlCount, line: finding.occurrences[0]!.line }));
    expect(found.sort((a, b) => a.column - b.column)).toEqual([...offsets].sort((a, b) => a - b).map((offset) => ({ column: offset + 1, count: 1, line: 1 })));
  });

  it('line numbers stay right across chunks in a many-line file', () => {
    const token = fakes.fake('github.pat.classic');
    const filler = 'x = 1\n'.repeat(Math.ceil((2.5 * CHUNK_BYTES) / 6));
    env.write('lines/long.py', `${filler}TOKEN = "${token}"\n`);
    const { report } = scanJson([env.path('lines')]);
    expect(report.findings[0]!.occurrences[0]).toMatchObject({ line: filler.split('\n').length, column: 10 });
  });

  it('invalid UTF-8 around a secret', () => {
    const token = fakes.fake('github.pat.classic');
    env.write('utf8/bad.txt', Buffer.concat([Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x0a]), Buffer.from(`token=${token}\n`), Buffer.from([0xed, 0xa0, 0x80])]));
    const { report } = scanJson([env.path('utf8')]);
    expect(report.findings.map((finding) => finding.occurrences[0]!.line)).toEqual([2]);
  });

  it('a named pipe or process substitution is read as a stream, reported under the name it was given', () => {
    const token = fakes.fake('github.pat.classic');
    // `sprawl scan <(...)`, as a shell runs it: the path is a pipe, /dev/fd/N.
    const result = spawnSync('bash', ['-c', 'exec "$0" "$1" scan <(printf "%s" "$CONTENT") --format json', process.execPath, CLI_PATH], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', CONTENT: `# settings\nGITHUB_TOKEN=${token}\n` },
    });
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout) as { findings: { occurrences: { path: string; line: number }[] }[] };
    expect(report.findings.map((finding) => finding.occurrences.map(({ path, line }) => `${path}:${line}`))).toEqual([[expect.stringMatching(/^\/dev\/fd\/\d+:2$/)]]);
  });

  it("a user's pattern whose group can capture nothing reports no empty secret", () => {
    const rules = env.write(
      'empty-capture/r.yml',
      ['provider: acme', 'rules:', '  - id: acme.key', '    name: Acme key', '    description: d', '    lifetime: durable', '    lifetime_evidence: e', '    severity: high', '    keywords: [acme_]', "    pattern: 'acme_\\w+ *=? *(\\w*)'", "    fake: 'acme_[a-z0-9]{20}'", '    cwe: [CWE-798]', '    nhi: [NHI2]', '    remediation: r', '    references: [https://example.com]', '    examples:', "      - 'acme_key = {{fake}}'", ''].join('\n'),
    );
    env.write('empty-capture/t.txt', 'acme_key\nacme_token = acme_0123456789abcdefghij\n');
    const { report } = scanJson([env.path('empty-capture/t.txt'), '--rules', rules, '--no-builtin-rules']);
    expect(report.findings.map((finding) => finding.occurrences.map(({ line, column, endColumn }) => [line, column, endColumn]))).toEqual([[[2, 14, 39]]]);
  });

  it('an installation whose native module did not build: one line, exit 3, no stack', () => {
    const app = env.path('broken-install');
    mkdirSync(path.join(app, 'node_modules', 're2'), { recursive: true });
    cpSync(path.join(REPO_ROOT, 'dist'), path.join(app, 'dist'), { recursive: true });
    cpSync(path.join(REPO_ROOT, 'rules'), path.join(app, 'rules'), { recursive: true });
    cpSync(path.join(REPO_ROOT, 'package.json'), path.join(app, 'package.json'));
    for (const name of readdirSync(path.join(REPO_ROOT, 'node_modules'))) {
      if (name !== 're2') symlinkSync(path.join(REPO_ROOT, 'node_modules', name), path.join(app, 'node_modules', name));
    }
    for (const file of ['package.json', 're2.js']) cpSync(path.join(REPO_ROOT, 'node_modules', 're2', file), path.join(app, 'node_modules', 're2', file));
    env.write('broken-install-target/a.txt', 'x=1\n');
    const result = spawnSync(process.execPath, [path.join(app, 'dist', 'bundle', 'cli.js'), 'scan', env.path('broken-install-target')], { encoding: 'utf8' });
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/^sprawl: internal error: the installation is incomplete \(Cannot find module '[^']*re2\.node'\); reinstall \(npm ci\) and run again\n$/);
  });

  it('a log with more encoded runs in a MiB than are decoded: reported as scanned in part, not silently', () => {
    const token = fakes.fake('github.pat.classic');
    // A base64 request id on every line (random bytes: they decode to binary), then a base64-wrapped token.
    const requestIds = Array.from({ length: MAX_ENCODED_RUNS_PER_CHUNK + 1 }, (_, index) => `INFO req=${createHash('sha256').update(String(index)).digest().subarray(0, 30).toString('base64')} GET /items 200`);
    const log = env.write('decode-bound/app.log', `${[...requestIds, `DEBUG headers=${Buffer.from(`Authorization: token ${token}`).toString('base64')}`].join('\n')}\n`);
    const result = runCli(['logs', log, '--format', 'json']);
    expect(JSON.parse(result.stdout).skipped).toEqual([{ path: expect.stringMatching(/app\.log$/), reason: 'decode-limit' }]);
  });

  it('a catastrophic-backtracking pattern runs in linear time under RE2', () => {
    const rules = env.write('rules-redos/redos.yml', ruleFileWithPattern("'((a+)+)$'"));
    env.write('redos/input.txt', `${'a'.repeat(200_000)}!\n`);
    const result = runCli(['scan', env.path('redos'), '--rules', rules, '--no-builtin-rules', '--format', 'json']);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).summary.filesScanned).toBe(1);
  });

  it('a credential dump: a rule stops at its bound of different values, the file is reported as scanned in part, and other rules search it to the end', () => {
    // Before the bound, a 30 MB file of such lines ran both worker threads out of memory.
    const passwordLine = (index: number) => `password=Vq${(index * 7919) % 1_000_003}zR${index % 97}\n`;
    const dump = Array.from({ length: MAX_VALUES_PER_RULE + 300 }, (_, index) => passwordLine(index)).join('');
    // Past the first chunk, so that the rule is left out of a later chunk's search too.
    const filler = '# nothing to see\n'.repeat(Math.ceil((1.2 * CHUNK_BYTES) / 17));
    const token = fakes.fake('github.pat.classic');
    const text = `${dump}${filler}${passwordLine(MAX_VALUES_PER_RULE + 301)}GITHUB_TOKEN=${token}\n`;
    env.write('dump/users.env', text);
    const { exitCode, report } = scanJson([env.path('dump')]);
    expect(exitCode).toBe(1);
    const byRule = (ruleId: string) => report.findings.filter((finding) => finding.ruleId === ruleId).flatMap((finding) => finding.occurrences);
    expect(byRule('generic.password.unquoted')).toHaveLength(MAX_VALUES_PER_RULE);
    expect(Math.max(...byRule('generic.password.unquoted').map((occurrence) => occurrence.line))).toBe(MAX_VALUES_PER_RULE);
    expect(byRule('github.pat.classic').map((occurrence) => occurrence.line)).toEqual([text.split('\n').length - 1]);
    expect(report.skipped).toEqual([{ path: 'users.env', reason: 'value-limit', detail: 'generic.password.unquoted' }]);
    const shown = runCli(['scan', env.path('dump')]);
    expect(shown.stdout).toContain(`scanned in part: users.env: more than ${MAX_VALUES_PER_RULE.toLocaleString('en')} different values of one rule`);
    expect(shown.stdout).toMatch(/; scanned in part: 1 value-limit\n/);
    expect(shown.stdout).not.toContain('skipped:');
  });

  it('a log that repeats one token on every line: past the bound of matches, a different token further on is still found', () => {
    const repeated = fakes.fake('github.pat.classic');
    const other = fakes.fake('github.pat.classic');
    const request = (index: number) => `2026-11-30T10:00:00Z GET /api/items/${index} authorization="token ${repeated}"\n`;
    const lines = Array.from({ length: MAX_MATCHES_PER_RULE + 500 }, (_, index) => request(index));
    lines.push(`2026-11-30T10:00:01Z GET /admin authorization="token ${other}"\n`, request(0));
    env.write('access/api.log', lines.join(''));
    const { report } = scanJson([env.path('access')]);
    const occurrencesOf = (secretLine: number) => report.findings.find((finding) => finding.occurrences.some((occurrence) => occurrence.line === secretLine));
    expect(occurrencesOf(1)!.occurrences).toHaveLength(MAX_MATCHES_PER_RULE);
    expect(occurrencesOf(MAX_MATCHES_PER_RULE + 501)!.occurrences.map((occurrence) => occurrence.line)).toEqual([MAX_MATCHES_PER_RULE + 501]);
    expect(report.skipped).toEqual([{ path: 'api.log', reason: 'match-limit', detail: 'github.pat.classic' }]);
  });

  it('a worker that crashes on one file: the file is retried, then reported, and the scan goes on', () => {
    const token = fakes.fake('github.pat.classic');
    env.write('crash/fine.env', `TOKEN=${token}\n`);
    env.write('crash/crashme.env', `TOKEN=${token}\n`);
    const { exitCode, report } = scanJson([env.path('crash')], { env: { SPRAWL_TEST_CRASH_ON_PATH: 'crashme' } });
    expect(exitCode).toBe(1);
    expect(report.findings[0]!.occurrences.map((occurrence) => occurrence.path)).toEqual(['fine.env']);
    expect(report.skipped).toEqual([{ path: 'crashme.env', reason: 'worker-crash', detail: expect.stringMatching(/exit|terminated/i) }]);
    const text = runCli(['scan', env.path('crash')], { env: { SPRAWL_TEST_CRASH_ON_PATH: 'crashme' } });
    expect(text.stdout).toContain('not scanned: crashme.env: the scanner crashed on it twice');
  });
});

/** A replacer function, because `$'` in a replacement string means something to String.replace. */
function ruleFileWithPattern(pattern: string): string {
  return RULE_FILE.replace('PATTERN', () => pattern);
}

const RULE_FILE = `provider: acme
rules:
  - id: acme.key
    name: Acme key
    description: test rule
    lifetime: durable
    lifetime_evidence: test
    severity: high
    keywords: [aaaa, secret]
    pattern: PATTERN
    cwe: [CWE-798]
    nhi: [NHI2]
    references: [https://example.com]
    remediation: none
    examples:
      - text: 'aaaa'
        secret: 'aaaa'
`;
