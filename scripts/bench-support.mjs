/**
 * What the benchmark scripts share: running the built CLI with a JSON report and measuring its wall time,
 * peak RSS (sampled from /proc/PID/status VmHWM, the kernel's own high-water mark for the whole process,
 * worker threads included) and CPU time (from /proc/PID/stat: every thread, and the git processes it
 * has reaped; sampled, so up to one interval short). On a two-core machine CPU time over wall time says
 * how busy both cores were: a run held back by its CPU shows close to 2.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const cli = path.join(repoRoot, 'dist', 'bundle', 'cli.js');

/**
 * The script's options, or a one-line error and exit code 2 for an unknown or malformed one (as `sprawl`
 * itself answers bad input), never a stack trace.
 */
export function benchOptions(options) {
  try {
    return parseArgs({ options }).values;
  } catch (error) {
    console.error(`${path.basename(process.argv[1] ?? 'bench')}: ${error.message} (options: ${Object.keys(options).map((name) => `--${name}`).join(', ')})`);
    process.exit(2);
  }
}

/** Clock ticks per second, the unit of /proc/PID/stat's CPU times. */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime + cutime + cstime of a running process, in seconds; undefined once it is gone. */
function cpuSecondsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, so split after its closing parenthesis).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields.slice(11, 15).reduce((sum, ticks) => sum + Number(ticks), 0) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Runs `sprawl <args> --format json --output <tmp> --fail-on none`; resolves with timings and the report's summary. */
export function runMeasured(args) {
  return new Promise((resolve, reject) => {
    const output = path.join(tmpdir(), `sprawl-bench-${process.pid}.json`);
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [cli, ...args, '--format', 'json', '--output', output, '--fail-on', 'none'], { stdio: ['ignore', 'ignore', 'inherit'] });
    let peakKb = 0;
    let cpuSeconds = 0;
    const timer = setInterval(() => {
      try {
        const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (match) peakKb = Math.max(peakKb, Number(match[1]));
      } catch {
        // the process exited between samples
      }
      cpuSeconds = cpuSecondsOf(child.pid) ?? cpuSeconds;
    }, 20);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      if (code !== 0) {
        rmSync(output, { force: true });
        return reject(new Error(`sprawl ${args[0]} exited ${code}`));
      }
      let summary;
      try {
        summary = JSON.parse(readFileSync(output, 'utf8')).summary;
      } finally {
        rmSync(output, { force: true });
      }
      resolve({
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
        peakRssMb: peakKb / 1024,
        cpuSeconds,
        bytes: summary.bytesScanned,
        files: summary.filesScanned,
        findings: summary.findings,
        skipped: summary.skipped,
      });
    });
  });
}

/**
 * `runMeasured` several times: the run of median wall time, with the peak RSS of all runs and every
 * run's time. This shared two-core machine's speed drifts from one second to the next; one run can land
 * in a slow spell, and the median of three says more than any single run.
 */
export async function runMeasuredMedian(args, runs = 3) {
  const results = [];
  for (let run = 0; run < runs; run++) results.push(await runMeasured(args));
  const byTime = [...results].sort((a, b) => a.seconds - b.seconds);
  const median = byTime[Math.floor(byTime.length / 2)];
  return { ...median, peakRssMb: Math.max(...results.map((result) => result.peakRssMb)), runSeconds: results.map((result) => result.seconds) };
}

/** The median of a list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * How fast this machine is at the moment, printed before the timings: the CPU time of a fixed loop of 300
 * million additions, written at the top level of a script (its counters live in memory, not registers,
 * so it slows down with the memory traffic of other tenants as a scan does; the same loop inside a
 * function barely does). On the shared two-core VM these benchmarks were written on it took 1.9 s in
 * quiet spells and up to 3.3 s in busy ones, and a benchmark's timings stretched by about the same
 * factor: a target missed at 3 s says little about the code.
 */
export function reportMachineSpeed() {
  const loop = 'const t = process.cpuUsage(); let s = 0; for (let i = 0; i < 3e8; i++) s += i; const u = process.cpuUsage(t); console.log((u.user + u.system) / 1e6, s);';
  const seconds = Number(execFileSync(process.execPath, ['-e', loop], { encoding: 'utf8' }).split(' ')[0]);
  console.log(`machine speed now: 300 million additions in ${seconds.toFixed(2)} s of CPU (1.3 s on the fastest machine of this kind seen, 1.9 s in the old VM's quiet spells, 3.3 s in its busiest; the timings below stretch with it)`);
}
