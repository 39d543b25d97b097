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
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(repoRoot, 'dist', 'cli.js');
const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    'size-mb': { type: 'string', default: '200' },
    threads: { type: 'string' },
    'no-scale': { type: 'boolean', default: false },
  },
});

const targets = { mbPerSecond: 150, peakRssMb: 400 };

async function main() {
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
  }
}

function report(label, dir, result) {
  const mbps = result.bytes / 1e6 / result.seconds;
  console.log(`${label}: ${dir}`);
  console.log(`  ${(result.bytes / 1e6).toFixed(1)} MB, ${result.files} files in ${result.seconds.toFixed(2)} s wall`);
  console.log(`  throughput ${mbps.toFixed(1)} MB/s (target >= ${targets.mbPerSecond}: ${mbps >= targets.mbPerSecond ? 'OK' : 'MISSED'}), ${(result.files / result.seconds).toFixed(0)} files/s`);
  console.log(`  peak RSS ${result.peakRssMb.toFixed(0)} MB (target <= ${targets.peakRssMb}: ${result.peakRssMb <= targets.peakRssMb ? 'OK' : 'MISSED'}), findings ${result.findings}, skipped ${JSON.stringify(result.skipped)}`);
}

/** Runs the CLI and samples /proc/PID/status for VmHWM, the kernel's own peak-RSS counter. */
function measureScan(dir) {
  return new Promise((resolve, reject) => {
    const output = path.join(tmpdir(), `sprawl-bench-${process.pid}.json`);
    const args = [cli, 'scan', dir, '--format', 'json', '--output', output, '--fail-on', 'none', ...(values.threads ? ['--threads', values.threads] : [])];
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    let peakKb = 0;
    const sample = () => {
      try {
        const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (match) peakKb = Math.max(peakKb, Number(match[1]));
      } catch {
        // the process has exited between samples
      }
    };
    const timer = setInterval(sample, 20);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) return reject(new Error(`sprawl exited ${code}`));
      const parsed = JSON.parse(readFileSync(output, 'utf8'));
      resolve({
        seconds,
        bytes: parsed.summary.bytesScanned,
        files: parsed.summary.filesScanned,
        findings: parsed.summary.findings,
        skipped: parsed.summary.skipped,
        peakRssMb: peakKb / 1024,
      });
    });
  });
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
