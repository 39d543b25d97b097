/**
 * What the benchmark scripts share: running the built CLI with a JSON report and measuring its wall time
 * and peak RSS (sampled from /proc/PID/status VmHWM, the kernel's own high-water mark for the whole
 * process, worker threads included).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const cli = path.join(repoRoot, 'dist', 'bundle', 'cli.js');

/** Runs `sprawl <args> --format json --output <tmp> --fail-on none`; resolves with timings and the report's summary. */
export function runMeasured(args) {
  return new Promise((resolve, reject) => {
    const output = path.join(tmpdir(), `sprawl-bench-${process.pid}.json`);
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [cli, ...args, '--format', 'json', '--output', output, '--fail-on', 'none'], { stdio: ['ignore', 'ignore', 'inherit'] });
    let peakKb = 0;
    const timer = setInterval(() => {
      try {
        const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (match) peakKb = Math.max(peakKb, Number(match[1]));
      } catch {
        // the process exited between samples
      }
    }, 20);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      if (code !== 0) return reject(new Error(`sprawl ${args[0]} exited ${code}`));
      const { summary } = JSON.parse(readFileSync(output, 'utf8'));
      resolve({
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
        peakRssMb: peakKb / 1024,
        bytes: summary.bytesScanned,
        files: summary.filesScanned,
        findings: summary.findings,
        skipped: summary.skipped,
      });
    });
  });
}
