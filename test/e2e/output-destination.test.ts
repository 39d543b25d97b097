/**
 * `--output` never changes what kind of thing the destination is. A regular file is replaced atomically
 * (and keeps its permissions); a symbolic link keeps pointing where it did; a named pipe, like
 * `/dev/null` or `/dev/stdout`, is written to, not replaced by a file. (Renaming a report over
 * `/dev/null` once turned the device into a plain file for the whole machine. The named pipe below
 * takes the same path through the code without putting the test machine's /dev/null at risk.)
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, readFileSync, readlinkSync, statSync, symlinkSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeMaker } from '../support/fakes.js';
import { CLI_PATH, runCli, ScanEnv } from '../support/scan-env.js';

const env = new ScanEnv('sprawl-output-');
afterAll(() => env.cleanup());
env.write('input/readme.md', 'nothing to see\n');

function reportIn(file: string): { summary: { filesScanned: number } } {
  return JSON.parse(readFileSync(file, 'utf8')) as { summary: { filesScanned: number } };
}

describe('--output', () => {
  it('replaces a regular file and keeps its permissions', () => {
    const report = env.write('reports/report.json', 'old report\n');
    chmodSync(report, 0o600);
    const result = runCli(['scan', env.path('input'), '--format', 'json', '--output', report]);
    expect(result.exitCode).toBe(0);
    expect(reportIn(report).summary.filesScanned).toBe(1);
    expect(statSync(report).mode & 0o777).toBe(0o600);
  });

  it('writes through a symbolic link, which stays a link', () => {
    const target = env.write('reports/target.json', 'old report\n');
    const link = env.path('reports/latest.json');
    symlinkSync(target, link);
    expect(runCli(['scan', env.path('input'), '--format', 'json', '--output', link]).exitCode).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(target);
    expect(reportIn(target).summary.filesScanned).toBe(1);
  });

  it('writes into a named pipe, which stays a pipe', async () => {
    const fifo = env.path('reports/pipe');
    const made = spawnSync('mkfifo', [fifo]);
    if (made.status !== 0) throw new Error(`mkfifo failed: ${String(made.stderr)}`);
    const received = env.path('reports/received.json');
    // The reader copies the pipe into a file, so neither side waits on the other's buffer.
    const reader = spawn('sh', ['-c', 'cat "$1" > "$2"', 'reader', fifo, received]);
    const readerDone = new Promise((resolve) => reader.on('close', resolve));
    const result = runCli(['scan', env.path('input'), '--format', 'json', '--output', fifo]);
    // A scan that replaced the pipe instead of writing into it leaves the reader waiting: stop it.
    const timer = setTimeout(() => reader.kill(), 5000);
    await readerDone;
    clearTimeout(timer);
    expect(result.exitCode).toBe(0);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(reportIn(received).summary.filesScanned).toBe(1);
  });
});

describe('standard output closed early', () => {
  it('a reader that stops early (`sprawl scan . --format json | head -c 1`) gets no stack trace, and the exit code still says what was found', () => {
    // A report far larger than a pipe's buffer: most of it meets a pipe its reader has closed (EPIPE).
    const fakes = fakeMaker('closed-stdout');
    const lines = Array.from({ length: 3000 }, (_, index) => `TOKEN_${index}=${fakes.fake('github.pat.classic')}`);
    const dir = env.path('many-findings');
    env.write('many-findings/tokens.env', `${lines.join('\n')}\n`);
    const result = spawnSync('bash', ['-c', '"$1" "$2" scan "$3" --format json | head -c 1 >/dev/null; echo "${PIPESTATUS[0]}"', 'bash', process.execPath, CLI_PATH, dir], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('1');
  });
});
