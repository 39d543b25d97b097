#!/usr/bin/env node
/**
 * `npm run bench`: speed and memory of `sprawl scan` on a realistic generated tree (source code, configs,
 * lock files, minified bundles, logs, a few secrets), or on `--dir DIR`. Prints MB/s, files/s and peak
 * RSS (the process's VmHWM, all threads), then the same on a tree four times larger to show that memory
 * does not grow with the tree. Generated trees are cached in the temp dir, so runs after the first
 * measure a warm cache.
 *
 *   npm run bench                      # 200 MB and 800 MB trees
 *   npm run bench -- --dir ~/src/big   # any tree
 *   npm run bench -- --size-mb 50      # a quicker look
 *   npm run bench -- --staged-only     # only `sprawl staged` on a 20-file commit (pre-commit latency)
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { benchOptions, cli, median, repoRoot, reportMachineSpeed, runMeasuredMedian } from './bench-support.mjs';
const values = benchOptions({
  dir: { type: 'string' },
  'size-mb': { type: 'string', default: '200' },
  threads: { type: 'string' },
  'no-scale': { type: 'boolean', default: false },
  'staged-only': { type: 'boolean', default: false },
});

const targets = { mbPerSecond: 150, peakRssMb: 400 };

async function main() {
  reportMachineSpeed();
  await benchStaged();
  if (values['staged-only']) return;
  if (values.dir) {
    report('given tree', values.dir, await measureScan(values.dir));
    return;
  }
  const sizeMb = Number(values['size-mb']);
  const base = await ensureTree(sizeMb);
  const baseResult = await measureScan(base);
  report(`generated ${sizeMb} MB tree`, base, baseResult);
  if (!values['no-scale']) {
    const large = await ensureTree(sizeMb * 4);
    const largeResult = await measureScan(large);
    report(`generated ${sizeMb * 4} MB tree`, large, largeResult);
    const growth = largeResult.peakRssMb / baseResult.peakRssMb;
    console.log(`memory growth for 4x the data: ${growth.toFixed(2)}x peak RSS (${growth <= 1.25 ? 'flat: OK' : 'GROWS'})`);
    // What the extra data cost, without the fixed part (process start, worker start, compiling the rules
    // the input wakes, warming RE2's automata), which the smaller tree pays in full.
    const marginal = (largeResult.bytes - baseResult.bytes) / 1e6 / (largeResult.seconds - baseResult.seconds);
    const fixed = baseResult.seconds - baseResult.bytes / 1e6 / marginal;
    console.log(`marginal throughput between the two trees: ${marginal.toFixed(1)} MB/s; fixed cost about ${fixed.toFixed(2)} s`);
  }
}

function report(label, dir, result) {
  const mbps = result.bytes / 1e6 / result.seconds;
  console.log(`${label}: ${dir}`);
  console.log(`  ${(result.bytes / 1e6).toFixed(1)} MB, ${result.files} files in ${result.seconds.toFixed(2)} s wall (median of ${result.runSeconds.length} runs: ${result.runSeconds.map((seconds) => seconds.toFixed(2)).join(', ')} s)`);
  console.log(`  throughput ${mbps.toFixed(1)} MB/s (target >= ${targets.mbPerSecond}: ${mbps >= targets.mbPerSecond ? 'OK' : 'MISSED'}), ${(result.files / result.seconds).toFixed(0)} files/s`);
  console.log(`  peak RSS ${result.peakRssMb.toFixed(0)} MB (target <= ${targets.peakRssMb}: ${result.peakRssMb <= targets.peakRssMb ? 'OK' : 'MISSED'}), findings ${result.findings}, skipped ${JSON.stringify(result.skipped)}`);
  console.log(`  CPU ${result.cpuSeconds.toFixed(2)} s, all threads: ${(result.cpuSeconds / result.seconds).toFixed(2)} cores busy on average of ${availableParallelism()}`);
}

/**
 * The targets are for a warm cache. A generated tree is cached in the temp dir, but other benchmarks
 * (the 2 GB log) can push it out of the page cache between runs: read every file once, untimed, first.
 */
function measureScan(dir) {
  warmPageCache(dir);
  return runMeasuredMedian(['scan', dir, ...(values.threads ? ['--threads', values.threads] : [])]);
}

function warmPageCache(dir) {
  const started = process.hrtime.bigint();
  const buffer = Buffer.allocUnsafe(1 << 20);
  let bytes = 0;
  const visit = (folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.isFile()) {
        const fd = openSync(full, 'r');
        try {
          for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer)) bytes += read;
        } finally {
          closeSync(fd);
        }
      }
    }
  };
  visit(dir);
  console.log(`  (page cache warmed: ${(bytes / 1e6).toFixed(0)} MB read once in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(2)} s, untimed)`);
}

/**
 * Pre-commit latency: `sprawl staged` on a commit of 20 changed files (real source text from this
 * repository, one fake token among them), timed wall-clock from spawn to exit, process start included,
 * as a git hook would run it. The median of several runs, after one warm-up run.
 */
async function benchStaged() {
  const targetMs = 300;
  const runs = 9;
  const dir = mkdtempSync(path.join(tmpdir(), 'sprawl-bench-staged-'));
  const gitEnv = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.invalid', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.invalid' };
  const git = (...args) => {
    const result = spawnSync('git', args, { cwd: dir, env: gitEnv, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`git ${args[0]} failed: ${result.stderr.trim()}`);
  };
  try {
    git('init', '-q');
    // Everyday code and config: this repository's own engine, CLI and reporters (not the validators,
    // which name every provider and so call up far more rules than a usual commit), plus manifests.
    const sources = ['src/cli', 'src/engine', 'src/findings', 'src/reporters', 'src/sources'].flatMap((folder) =>
      readdirSync(path.join(repoRoot, folder))
        .filter((name) => name.endsWith('.ts'))
        .sort()
        .map((name) => `${folder}/${name}`),
    );
    const files = ['README.md', 'package.json', 'tsconfig.json', ...sources].slice(0, 20);
    if (files.length < 20) throw new Error(`only ${files.length} files to build the commit from`);
    const write = (relative, content) => {
      mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
      writeFileSync(path.join(dir, relative), content);
    };
    for (const file of files) write(file, readFileSync(path.join(repoRoot, file)));
    git('add', '.');
    git('commit', '-qm', 'base');
    const { generateFake, SeededRandom } = await import(path.join(repoRoot, 'dist/ruleset/fake-secrets.js'));
    const token = generateFake({ id: 'bench', fake: 'ghp_[A-Za-z0-9]{30}', validator: 'github-crc32' }, new SeededRandom('bench-staged'));
    files.forEach((file, index) => {
      const added = index === 7 ? `\nGITHUB_TOKEN = "${token}"\n` : `\n// changed in the benchmark commit (${index})\n`;
      write(file, Buffer.concat([readFileSync(path.join(repoRoot, file)), Buffer.from(added)]));
    });
    git('add', '.');
    const bytes = files.reduce((total, file) => total + readFileSync(path.join(dir, file)).length, 0);
    // What the hook `sprawl install-hook` writes runs sprawl with: the environment without
    // NODE_EXTRA_CA_CERTS, which it unsets (Node would parse that bundle at every start).
    const hookEnv = { PATH: process.env.PATH ?? '', NO_COLOR: '1' };
    const timeRuns = (extraArgs, count) => {
      const times = [];
      for (let run = 0; run <= count; run++) {
        const started = process.hrtime.bigint();
        const result = spawnSync(process.execPath, [cli, 'staged', '--format', 'json', ...extraArgs], { cwd: dir, encoding: 'utf8', env: hookEnv });
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        if (result.status !== 1) throw new Error(`sprawl staged exited ${result.status} (expected 1, one finding): ${result.stderr.trim()}`);
        let summary;
        try {
          summary = JSON.parse(result.stdout).summary;
        } catch (error) {
          throw new Error(`sprawl staged ${extraArgs.join(' ')}: unreadable report (${error.message}; ${result.stdout.length} bytes; stderr ${result.stderr.trim().slice(0, 300)})`);
        }
        if (summary.findings !== 1 || summary.filesScanned !== 20) throw new Error(`sprawl staged: unexpected result ${JSON.stringify(summary)}`);
        if (run > 0) times.push(ms); // run 0 warms the page cache and the rule cache
      }
      times.sort((a, b) => a - b);
      return { median: times[Math.floor(times.length / 2)], min: times[0], max: times[times.length - 1] };
    };
    const inProcess = timeRuns([], runs);
    console.log(`sprawl staged: 20-file commit (${(bytes / 1e3).toFixed(0)} KB), ${runs} runs, wall time including process start`);
    console.log(`  median ${inProcess.median.toFixed(0)} ms (min ${inProcess.min.toFixed(0)}, max ${inProcess.max.toFixed(0)}); target <= ${targetMs} ms: ${inProcess.median <= targetMs ? 'OK' : 'MISSED'}`);
    const pooled = timeRuns(['--threads', String(Math.max(1, availableParallelism()))], 5);
    console.log(`  for comparison, through the worker pool (--threads): median ${pooled.median.toFixed(0)} ms`);
    const emptyNodeMs = (env) => {
      const times = [];
      for (let run = 0; run < 5; run++) {
        const started = process.hrtime.bigint();
        spawnSync(process.execPath, ['-e', '0'], { env });
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      return median(times);
    };
    const empty = emptyNodeMs(hookEnv);
    console.log(`  (for scale: an empty node process takes ${empty.toFixed(0)} ms here, in the same environment)`);
    if (process.env.NODE_EXTRA_CA_CERTS) {
      const withBundle = emptyNodeMs(process.env);
      console.log(`  (this shell sets NODE_EXTRA_CA_CERTS: run by a tool that keeps it, each start takes ${(withBundle - empty).toFixed(0)} ms more)`);
    }
  } finally {
    if (process.env.SPRAWL_BENCH_KEEP) console.log(`  kept ${dir}`); else rmSync(dir, { recursive: true, force: true });
  }
}

/** A deterministic pseudo-random source (xorshift32), so the same tree is generated every time. */
function randomSource(seed) {
  let state = seed >>> 0 || 1;
  return (max) => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state % max;
  };
}

/**
 * A tree of real text: the source, docs, JSON and maps of the packages in this repository's
 * node_modules (what `npm ci` installed: real code, written by many people), copied into many
 * "repositories" until the size is reached, plus generated application logs and a few fake secrets.
 */
async function ensureTree(sizeMb) {
  const dir = path.join(tmpdir(), `sprawl-bench-tree-${sizeMb}mb-v2`);
  const marker = path.join(dir, '.complete');
  if (existsSync(marker)) return dir;
  console.log(`generating ${sizeMb} MB tree in ${dir} ...`);
  const { default: fg } = await import('fast-glob');
  const sources = (await fg('node_modules/**/*.{js,mjs,cjs,ts,json,md,map,yml,yaml,txt}', { cwd: repoRoot, dot: true }))
    .filter((file) => !file.includes('/@microsoft/'))
    .sort();
  if (sources.length === 0) throw new Error('no node_modules to build the tree from: run npm ci first');
  const { generateFake, SeededRandom } = await import(path.join(repoRoot, 'dist/ruleset/fake-secrets.js'));
  const fakeRandom = new SeededRandom('bench');
  const pat = () => generateFake({ id: 'bench', fake: 'ghp_[A-Za-z0-9]{30}', validator: 'github-crc32' }, fakeRandom);
  const random = randomSource(sizeMb * 7919);
  const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[random(16)]).join('');
  const logLine = () => `2026-11-${10 + random(18)}T12:${random(60)}:${random(60)}Z INFO api.request request_id=${hex(16)} user=u${random(9999)} path=/v1/items/${random(99999)} status=${200 + random(300)} took=${random(900)}ms\n`;
  const target = sizeMb * 1e6;
  let written = 0;
  for (let copy = 0; written < target; copy++) {
    for (const source of sources) {
      if (written >= target) break;
      let content = readFileSync(path.join(repoRoot, source));
      if (random(500) === 0) content = Buffer.concat([content, Buffer.from(`\nGITHUB_TOKEN = "${pat()}"\n`)]);
      const destination = path.join(dir, `repo-${copy}`, source.replace(/^node_modules\//, ''));
      mkdirSync(path.dirname(destination), { recursive: true });
      writeFileSync(destination, content);
      written += content.length;
    }
    const logs = [];
    for (let size = 0; size < 2e6; ) {
      const line = logLine();
      logs.push(line);
      size += line.length;
    }
    mkdirSync(path.join(dir, `repo-${copy}`, 'logs'), { recursive: true });
    writeFileSync(path.join(dir, `repo-${copy}`, 'logs', 'app.log'), logs.join(''));
    written += 2e6;
  }
  writeFileSync(marker, '');
  return dir;
}

main().catch((error) => {
  console.error(`bench: ${error.message}`);
  process.exit(1);
});
