#!/usr/bin/env node
/**
 * History throughput of `sprawl git`, next to the floor: the time `git cat-file --batch` alone needs to
 * read the same blobs. Generates (once, cached in the temp dir) a repository with thousands of commits
 * via `git fast-import`, or takes `--repo DIR`. Prints wall times, the ratio to the floor (target ≤ 2×)
 * and peak RSS, and the same for a repository with twice the commits, to show that memory does not grow
 * with history.
 *
 *   node scripts/bench-history.mjs                 # 2,000 and 4,000 commits
 *   node scripts/bench-history.mjs --repo ~/src/x  # any repository
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { benchOptions, median, repoRoot, reportMachineSpeed, runMeasured } from './bench-support.mjs';
const values = benchOptions({ repo: { type: 'string' }, commits: { type: 'string', default: '2000' } });

async function main() {
  reportMachineSpeed();
  if (values.repo) {
    await report('given repository', path.resolve(values.repo));
    return;
  }
  const commits = Number(values.commits);
  const small = await report(`generated, ${commits} commits`, await ensureRepo(commits));
  const large = await report(`generated, ${commits * 2} commits`, await ensureRepo(commits * 2));
  const growth = large.peakRssMb / small.peakRssMb;
  console.log(`memory growth for twice the history: ${growth.toFixed(2)}x peak RSS (${growth <= 1.25 ? 'flat: OK' : 'GROWS'})`);
}

/** Floor and scan are each the median of three runs, taken in turn, so a slow spell of the machine weighs on both alike. */
async function report(label, repo) {
  const floors = [];
  const scans = [];
  for (let run = 0; run < 3; run++) {
    floors.push(catFileFloorSeconds(repo));
    scans.push(await measure(repo));
  }
  const floor = { ...floors[0], seconds: median(floors.map((each) => each.seconds)) };
  const scan = { ...[...scans].sort((a, b) => a.seconds - b.seconds)[1], peakRssMb: Math.max(...scans.map((each) => each.peakRssMb)) };
  const ratio = scan.seconds / floor.seconds;
  const times = (runs) => runs.map((each) => each.seconds.toFixed(2)).join(', ');
  console.log(`history: ${label}: ${repo}`);
  console.log(`  ${floor.blobs} blobs, ${(floor.bytes / 1e6).toFixed(1)} MB; git cat-file --batch alone: ${floor.seconds.toFixed(2)} s (median of ${times(floors)})`);
  console.log(`  sprawl git: ${scan.seconds.toFixed(2)} s (median of ${times(scans)}) = ${ratio.toFixed(2)}x the floor (target <= 2x: ${ratio <= 2 ? 'OK' : 'MISSED'}), peak RSS ${scan.peakRssMb.toFixed(0)} MB, ${scan.findings} findings`);
  console.log(`  CPU ${scan.cpuSeconds.toFixed(2)} s, all threads and git: ${(scan.cpuSeconds / scan.seconds).toFixed(2)} cores busy on average`);
  return scan;
}

/** Lists reachable blobs and reads them all through one `git cat-file --batch`, as sprawl does. */
function catFileFloorSeconds(repo) {
  const started = process.hrtime.bigint();
  const objects = execFileSync('git', ['rev-list', '--objects', '--all'], { cwd: repo, maxBuffer: 1 << 30 }).toString();
  const ids = objects.split('\n').filter(Boolean).map((line) => line.split(' ')[0]).join('\n') + '\n';
  const types = execFileSync('git', ['cat-file', '--batch-check=%(objectname) %(objecttype) %(objectsize)'], { cwd: repo, input: ids, maxBuffer: 1 << 30 }).toString();
  const blobs = types.split('\n').filter((line) => line.includes(' blob '));
  const output = execFileSync('git', ['cat-file', '--batch'], { cwd: repo, input: blobs.map((line) => line.split(' ')[0]).join('\n') + '\n', maxBuffer: 2 ** 31 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, blobs: blobs.length, bytes: output.length };
}

function measure(repo) {
  return runMeasured(['git', repo]);
}

/**
 * A repository with `commits` commits of real source files (from this repository's node_modules),
 * each commit editing a few files, written in one `git fast-import` stream. A few commits add a fake
 * token, and some remove it again.
 */
async function ensureRepo(commits) {
  const dir = path.join(tmpdir(), `sprawl-bench-history-${commits}-v2`);
  if (existsSync(path.join(dir, '.complete'))) return dir;
  console.log(`generating a ${commits}-commit repository in ${dir} ...`);
  mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  // Real code of many authors: the JavaScript and TypeScript that `npm ci` installed.
  const { default: fg } = await import('fast-glob');
  const sources = (await fg('node_modules/**/*.{js,ts,mjs,cjs,md}', { cwd: repoRoot }))
    .filter((file) => !file.includes('/@microsoft/'))
    .sort()
    .slice(0, 3000);
  const texts = sources.map((file) => readFileSync(path.join(repoRoot, file), 'utf8'));
  const { generateFake, SeededRandom } = await import(path.join(repoRoot, 'dist/ruleset/fake-secrets.js'));
  const random = new SeededRandom('bench-history');
  const fakeToken = () => generateFake({ id: 'bench', fake: 'ghp_[A-Za-z0-9]{30}', validator: 'github-crc32' }, random);
  // The stream goes to a file a commit at a time: as one string it outgrows what V8 allows past 8,000 commits.
  const streamFile = path.join(dir, '.fast-import-stream');
  const stream = openSync(streamFile, 'w');
  let mark = 0;
  for (let commit = 0; commit < commits; commit++) {
    const lines = [`commit refs/heads/main`, `mark :${++mark}`, `committer Dev <dev@example.test> ${1_600_000_000 + commit * 3600} +0000`];
    const message = `change ${commit}`;
    lines.push(`data ${Buffer.byteLength(message)}`, message);
    if (commit > 0) lines.push(`from :${mark - 1}`);
    for (let edit = 0; edit < 3; edit++) {
      const index = (commit * 7 + edit * 13) % texts.length;
      let content = `${texts[index]}\n// revision ${commit}\n`;
      if (commit % 500 === 7 && edit === 0) content += `const token = "${fakeToken()}";\n`;
      lines.push(`M 100644 inline files/${index % 40}/${path.basename(sources[index])}`, `data ${Buffer.byteLength(content)}`, content);
    }
    writeSync(stream, `${lines.join('\n')}\n`);
  }
  closeSync(stream);
  const input = openSync(streamFile, 'r');
  execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, stdio: [input, 'inherit', 'inherit'] });
  closeSync(input);
  rmSync(streamFile);
  execFileSync('git', ['checkout', '-q', 'main'], { cwd: dir });
  writeFileSync(path.join(dir, '.complete'), '');
  return dir;
}

main().catch((error) => {
  console.error(`bench-history: ${error.message}`);
  process.exit(1);
});
