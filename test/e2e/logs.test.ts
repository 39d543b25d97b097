/**
 * `sprawl logs` and standard input: rotated and gzip-compressed logs streamed in bounded memory, line
 * numbers of the decompressed text, a secret across a chunk boundary inside a gzip stream.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CHUNK_BYTES } from '../../src/engine/chunked-scan.js';
import { fakeMaker } from '../support/fakes.js';
import { runCli, ScanEnv } from '../support/scan-env.js';

const env = new ScanEnv();
const fakes = fakeMaker('logs');
afterAll(() => env.cleanup());

const logLine = (index: number) => `2026-11-29T12:00:${String(index % 60).padStart(2, '0')}Z INFO api request_id=${index} status=200\n`;
const lines = (count: number) => Array.from({ length: count }, (_unused, index) => logLine(index)).join('');

function logsJson(args: string[], input?: string) {
  const result = runCli(['logs', ...args, '--format', 'json'], { cwd: env.root, ...(input !== undefined ? { input } : {}) });
  if (result.exitCode > 1) throw new Error(result.stderr);
  return { ...result, report: JSON.parse(result.stdout) };
}

describe('sprawl logs', () => {
  it('scans a rotated set, decompressing .gz files, with the lines of the decompressed text (paths relative to the folder)', () => {
    const current = fakes.fake('github.pat.classic');
    const rotated = fakes.fake('npm.access-token');
    env.write('var/log/app/app.log', `${lines(2)}deploy token=${current}\n`);
    env.write('var/log/app/app.log.1', lines(50));
    env.write('var/log/app/app.log.2.gz', gzipSync(`${lines(4999)}npm_config_token=${rotated}\n${lines(10)}`));
    const { exitCode, report } = logsJson(['var/log/app']);
    expect(exitCode).toBe(1);
    expect(report.findings.map((finding: any) => [finding.ruleId, finding.occurrences[0].path, finding.occurrences[0].line]).sort()).toEqual([
      ['github.pat.classic', 'app.log', 3],
      ['npm.access-token', 'app.log.2.gz', 5000],
    ]);
    expect(report.summary.filesScanned).toBe(3);
  });

  it('finds a secret across a chunk boundary inside a gzip stream, once', () => {
    const token = fakes.fake('github.pat.classic');
    const filler = 'x'.repeat(CHUNK_BYTES - 10);
    env.write('big/huge.log.gz', gzipSync(`${lines(3)}${filler} token=${token}\n${lines(3)}`));
    const { report } = logsJson(['big']);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0].occurrences).toEqual([expect.objectContaining({ line: 4, column: filler.length + 8 })]);
  });

  it('reports a corrupt gzip file as unreadable and goes on', () => {
    env.write('corrupt/broken.log.gz', Buffer.concat([gzipSync('hello\n').subarray(0, 12), Buffer.from('garbage')]));
    env.write('corrupt/fine.log', lines(3));
    const { exitCode, report } = logsJson(['corrupt']);
    expect(exitCode).toBe(0);
    expect(report.skipped).toEqual([{ path: 'broken.log.gz', reason: 'unreadable', detail: expect.stringMatching(/^not valid gzip|unexpected end/) }]);
  });

  it('reads standard input with -, reported under --stdin-name', () => {
    const token = fakes.fake('github.pat.classic');
    const { report } = logsJson(['-', '--stdin-name', 'kubectl-logs-api'], `${lines(7)}Authorization: token ${token}\n`);
    expect(report.findings.map((finding: any) => [finding.occurrences[0].path, finding.occurrences[0].line])).toEqual([['kubectl-logs-api', 8]]);
  });
});

describe('encoded secrets', () => {
  const token = fakes.fake('github.pat.classic');
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  const hex = (text: string) => Buffer.from(text).toString('hex');
  const escaped = (text: string) => [...text].map((char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
  env.write('encoded/app.log', [
    `INFO config=${b64(JSON.stringify({ auth: { token } }))}`,
    `INFO redirect=https://app.test/cb?next=${encodeURIComponent(`/home?token=${token}&x=1`)}`,
    `INFO dump=${b64(`https://app.test/cb?next=${encodeURIComponent(`/x?access_token=${token}`)}`)}`,
    `INFO raw=${hex(`github_token: ${token}`)}`,
    `{"msg": "${escaped(`token=${token}`)}"}`,
  ].join('\n'));

  const occurrences = (report: any) =>
    report.findings.filter((finding: any) => finding.ruleId === 'github.pat.classic').flatMap((finding: any) => finding.occurrences.map((o: any) => [o.line, o.decodedVia]));

  it('logs decode two levels by default and point at the encoded text', () => {
    expect(occurrences(logsJson(['encoded']).report)).toEqual([
      [1, ['base64']],
      [2, ['percent']],
      [3, ['base64', 'percent']],
      [4, ['hex']],
      [5, ['unicode-escape']],
    ]);
  });

  it('scan decodes only when asked; --decode 0 turns logs decoding off', () => {
    const scan = (args: string[]) => JSON.parse(runCli(['scan', env.path('encoded'), '--format', 'json', ...args]).stdout);
    expect(occurrences(scan([]))).toEqual([]);
    expect(occurrences(scan(['--decode', '1'])).map(([line]: [number]) => line)).toEqual([1, 2, 4, 5]);
    expect(occurrences(logsJson(['encoded', '--decode', '0']).report)).toEqual([]);
  });
});

describe('standard input in every command that takes a path', () => {
  it('baseline create - accepts what stdin holds; scan - with that baseline reports nothing new', () => {
    const token = fakes.fake('github.pat.classic');
    const input = `${lines(2)}token=${token}\n`;
    const baseline = env.path('stdin-baseline.json');
    expect(runCli(['baseline', 'create', '-', '--stdin-name', 'pod.log', '--output', baseline], { input }).exitCode).toBe(0);
    expect(runCli(['scan', '-', '--stdin-name', 'pod.log', '--baseline', baseline, '--format', 'json'], { input }).exitCode).toBe(0);
    expect(runCli(['scan', '-', '--stdin-name', 'pod.log', '--format', 'json'], { input }).exitCode).toBe(1);
  });
});
