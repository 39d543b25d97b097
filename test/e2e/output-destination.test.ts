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
import { runCli, ScanEnv } from '../support/scan-env.js';

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
