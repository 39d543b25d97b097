/**
 * Redaction everywhere: no raw secret in any output format, the debug trace, the summary on stderr, a
 * baseline, or the rule cache, unless `--show-secrets` is given.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { CHUNK_BYTES } from '../../src/engine/chunked-scan.js';
import { MAX_MATCHES_PER_RULE, MAX_VALUES_PER_RULE } from '../../src/engine/match-limit.js';
import { fakeMaker } from '../support/fakes.js';
import { GitRepo } from '../support/git-repo.js';
import { REPO_ROOT, runCli, ScanEnv } from '../support/scan-env.js';

describe('redaction', () => {
  const env = new ScanEnv();
  const fakes = fakeMaker('redaction');
  const values = [fakes.fake('github.pat.classic'), fakes.fake('npm.access-token'), fakes.fake('slack.bot-token'), 'Zq8#vT2!mW9@kP4$xR7'];
  env.write('app/config.env', `GITHUB_TOKEN=${values[0]}\nNPM_TOKEN=${values[1]}\nSLACK_BOT_TOKEN=${values[2]}\n`);
  env.write('app/db.py', `DB_PASSWORD = "${values[3]}"\n`);
  afterAll(() => env.cleanup());

  const leaked = (text: string) => values.filter((value) => text.includes(value));

  it.each(['text', 'json', 'sarif'])('%s output and the --debug trace carry no raw value', (format) => {
    const result = runCli(['scan', env.path('app'), '--format', format, '--debug']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('sprawl[debug] finding');
    expect(leaked(result.stdout + result.stderr)).toEqual([]);
  });

  it('a report written to a file, the summary, the baseline and the rule cache carry none', () => {
    const report = env.path('report.sarif');
    const summary = runCli(['scan', env.path('app'), '--output', report, '--debug']);
    const baseline = env.path('baseline.json');
    runCli(['baseline', 'create', env.path('app'), '--output', baseline]);
    const files = [report, baseline, `${REPO_ROOT}/dist/builtin-rules.json`].map((file) => readFileSync(file, 'utf8')).join('\n');
    expect(leaked(summary.stdout + summary.stderr + files)).toEqual([]);
  });

  it('--show-secrets prints them, on request only', () => {
    const result = runCli(['scan', env.path('app'), '--format', 'json', '--show-secrets']);
    expect(leaked(result.stdout)).toEqual(values);
  });
});

describe('another secret on the line of a finding', () => {
  // Each finding's snippet shows the line around its own value; any other value on that line is shown
  // redacted, in every format, even with --show-secrets (which reveals a finding's own value only).
  const env = new ScanEnv();
  const fakes = fakeMaker('redaction-same-line');
  const token = () => fakes.fake('github.pat.classic');
  const [first, second, allowedA, allowedB, before, after, straddling, next] = [token(), token(), token(), token(), token(), token(), token(), token()];
  env.write('app/two.py', `tokens = ["${first}", "${second}"]\n`);
  env.write('app/allowed.py', `tokens = ["${allowedA}", "${allowedB}"]  # sprawl:allow fixture\n`);
  // One line longer than a chunk (1 MiB, with 16 KiB of overlap): a value ending just before the first
  // chunk's end with another in the overlap after it, and a value across the end with another after it.
  const MIB = 1024 * 1024;
  const filler = (length: number) => 'abc '.repeat(Math.ceil(length / 4)).slice(0, length);
  const placed = (parts: [number, string][]) => {
    let line = '';
    for (const [at, value] of parts) line += filler(at - line.length) + `"${value}"`;
    // Past the first chunk's buffer (a chunk and its overlap), so that the end of the first chunk is a cut.
    return `${line}${filler(64 * 1024)}\n`;
  };
  env.write('app/boundary-after.txt', placed([[MIB - 60, before], [MIB + 8, after]]));
  env.write('app/boundary-across.txt', placed([[MIB - 20, straddling], [MIB + 40, next]]));
  afterAll(() => env.cleanup());

  const values = [first, second, allowedA, allowedB, before, after, straddling, next];
  const snippetsOf = (report: any) =>
    report.findings.flatMap((finding: any) => finding.occurrences.map((occurrence: any) => ({ secret: finding.secret, snippet: occurrence.snippet as string })));

  it.each(['text', 'json', 'sarif'])('%s output shows none of them raw', (format) => {
    const result = runCli(['scan', env.path('app'), '--format', format]);
    expect(result.exitCode).toBe(1);
    expect(values.filter((value) => (result.stdout + result.stderr).includes(value))).toEqual([]);
  });

  it('with --show-secrets, a snippet shows its own value raw and the others on its line redacted', () => {
    const report = JSON.parse(runCli(['scan', env.path('app'), '--format', 'json', '--show-secrets']).stdout);
    const snippets = snippetsOf(report);
    expect(new Set(snippets.map((each: any) => each.secret))).toEqual(new Set(values));
    // Not whole, and not in part either: no run of 12 characters of another value (a value cut by the
    // snippet's width or by a chunk's start would otherwise show most of itself).
    const pieces = (value: string) => Array.from({ length: value.length - 11 }, (_, at) => value.slice(at, at + 12));
    for (const { secret, snippet } of snippets) {
      expect(values.filter((value) => value !== secret && pieces(value).some((piece) => snippet.includes(piece)))).toEqual([]);
    }
    const twoLine = snippets.find((each: any) => each.secret === first)!.snippet;
    expect(twoLine).toBe(`tokens = ["${first}", "${second.slice(0, 4)}…${second.slice(-4)}"]`);
  });
});

describe('another secret on the line of a finding in history', () => {
  // A version scanned only where it changed (changed-region.ts) and a file a structural detector reads
  // (an MCP config) locate their matches apart from the chunked scan: the same rule holds there.
  const env = new ScanEnv();
  const fakes = fakeMaker('redaction-history');
  const token = () => fakes.fake('github.pat.classic');
  const [first, second, mcpToken] = [token(), token(), token()];
  // A value only the MCP detector reports (no rule reads `…_PAT` as a secret's name), beside a token a provider rule reports.
  const flagValue = fakes.fake('github.pat.classic').slice(4);
  const repo = new GitRepo(env.path('repo'));
  const code = Array.from({ length: 400 }, (_, index) => `const value${index} = compute(${index});`);
  // The newer version is scanned whole, the older one only where it differs from it: the tokens' line.
  repo.write('src/app.ts', `${[...code.slice(0, 200), `const tokens = ["${first}", "${second}"];`, ...code.slice(200)].join('\n')}\n`).commit('two tokens', '2024-01-01T00:00:00Z');
  repo.write('src/app.ts', `${code.join('\n')}\n`).commit('no tokens', '2024-01-02T00:00:00Z');
  repo.write('.mcp.json', `{"mcpServers": {"search": {"command": "npx", "env": {"SEARCH_PAT": "${flagValue}", "GITHUB_TOKEN": "${mcpToken}"}}}}\n`).commit('mcp', '2024-01-03T00:00:00Z');
  afterAll(() => env.cleanup());

  it('shows the other values on the line redacted, even with --show-secrets', () => {
    const result = runCli(['git', repo.root, '--format', 'json', '--show-secrets']);
    const report = JSON.parse(result.stdout);
    expect(report.summary.bytesCarriedOver).toBeGreaterThan(0);
    const values = [first, second, mcpToken, flagValue];
    const snippets = report.findings.flatMap((finding: any) => finding.occurrences.map((occurrence: any) => ({ secret: finding.secret, snippet: occurrence.snippet as string })));
    expect(new Set(snippets.map((each: any) => each.secret))).toEqual(new Set(values));
    const pieces = (value: string) => Array.from({ length: value.length - 11 }, (_, at) => value.slice(at, at + 12));
    for (const { secret, snippet } of snippets) {
      expect(values.filter((value) => value !== secret && pieces(value).some((piece) => snippet.includes(piece)))).toEqual([]);
    }
  });
});

describe('a value a bound kept out of the report, on the line of another finding', () => {
  // Past MAX_VALUES_PER_RULE different values a rule is no longer searched in the rest of the file (a
  // credential dump), but its values there are still secrets: another finding's snippet must not show one.
  const env = new ScanEnv();
  const fakes = fakeMaker('redaction-value-limit');
  const randomText = () => fakes.fake('github.pat.classic').slice(4, 22);
  const dump = Array.from({ length: MAX_VALUES_PER_RULE + 50 }, () => `password = "${randomText()}"\n`).join('');
  const [password, token] = [randomText(), fakes.fake('github.pat.classic')];
  // The line is in a later chunk than the one where the rule stopped.
  const filler = 'lorem ipsum dolor sit amet\n'.repeat(Math.ceil((1.2 * CHUNK_BYTES) / 27));
  env.write('dump/users.txt', `${dump}${filler}password = "${password}" token ${token}\n`);
  // An MCP config whose snippets are made again once its structural detector has read it: a token past
  // the bound of matches (MAX_MATCHES_PER_RULE) is not reported there again, and is a secret still.
  const [repeated, flagValue] = [fakes.fake('github.pat.classic'), fakes.fake('github.pat.classic').slice(4)];
  const notes = Array.from({ length: MAX_MATCHES_PER_RULE + 50 }, () => `  "${repeated}",`).join('\n');
  env.write('mcp/.mcp.json', `{"notes": [\n${notes}\n  "end"],\n"mcpServers": {"search": {"command": "npx", "env": {"SEARCH_PAT": "${flagValue}", "GH": "${repeated}"}}}}\n`);
  afterAll(() => env.cleanup());

  it.each(['text', 'json', 'sarif'])('%s output does not show it', (format) => {
    const result = runCli(['scan', env.path('dump'), '--format', format]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).not.toContain(password);
  });

  it('with --show-secrets, the other finding\'s snippet shows it redacted', () => {
    const report = JSON.parse(runCli(['scan', env.path('dump'), '--format', 'json', '--show-secrets']).stdout);
    expect(report.skipped).toEqual([{ path: 'users.txt', reason: 'value-limit', detail: 'generic.password.double-quoted' }]);
    const finding = report.findings.find((each: any) => each.secret === token);
    expect(finding.occurrences[0].snippet).toBe(`password = "${password.slice(0, 1)}…${password.slice(-1)}" token ${token}`);
  });

  it('nor does a snippet made again for a structural detector\'s finding', () => {
    const report = JSON.parse(runCli(['scan', env.path('mcp'), '--format', 'json', '--show-secrets']).stdout);
    expect(report.skipped).toEqual([{ path: '.mcp.json', reason: 'match-limit', detail: 'github.pat.classic' }]);
    const finding = report.findings.find((each: any) => each.secret === flagValue);
    expect(finding.occurrences[0].snippet).toContain(`"SEARCH_PAT": "${flagValue}", "GH": "${repeated.slice(0, 4)}…${repeated.slice(-4)}"`);
  });
});

describe('a value found in decoded text, in a file a structural detector reads again', () => {
  const env = new ScanEnv();
  const fakes = fakeMaker('redaction-decoded');
  const token = fakes.fake('github.pat.classic');
  const encoded = Buffer.from(`GITHUB_TOKEN=${token}`).toString('base64');
  const manifest = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'app' }, data: { password: Buffer.from(fakes.fake('generic.password.double-quoted')).toString('base64'), blob: encoded } };
  env.write('k8s/secret.json', `${JSON.stringify(manifest)}\n`);
  afterAll(() => env.cleanup());

  it.each(['text', 'json', 'sarif'])('%s: no snippet shows its encoded run raw (the snippets are made again for the whole file)', (format) => {
    const result = runCli(['scan', env.path('k8s'), '--decode', '1', '--format', format]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('github.pat.classic');
    // Any 24 characters of the run would give much of the token back.
    for (let at = 0; at + 24 <= encoded.length; at += 12) expect(result.stdout).not.toContain(encoded.slice(at, at + 24));
  });
});
