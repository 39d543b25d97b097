#!/usr/bin/env node
/**
 * `npm run corpus`: scores the built CLI on the labelled development corpus (../shared/corpus, strings
 * from other scanners' rule tests): recall on secret cases, false positives on benign ones, and the
 * per-provider misses. Arguments are passed to score.mjs (e.g. `npm run corpus -- --provider aws
 * --list-misses 20`). The corpus lives outside the repository; SPRAWL_CORPUS_DIR points elsewhere.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpusDir = process.env.SPRAWL_CORPUS_DIR ?? path.resolve(repoRoot, '../shared/corpus');
const scorer = path.join(corpusDir, 'score.mjs');
if (!existsSync(scorer)) {
  console.error(`corpus: ${scorer}: not found (set SPRAWL_CORPUS_DIR to the folder holding cases.jsonl and score.mjs)`);
  process.exit(2);
}
const cli = path.join(repoRoot, 'dist', 'cli.js');
const result = spawnSync(
  process.execPath,
  [scorer, ...process.argv.slice(2), '--', process.execPath, cli, 'scan', '{dir}', '--format', 'sarif', '--output', '{out}', '--fail-on', 'none'],
  { stdio: 'inherit' },
);
if (result.status !== 0) process.exit(result.status ?? 1);

// The standing-privilege rules (CI identity, infrastructure, fallbacks) judge configuration, not key
// formats, so their false positives show on real code: run them alone over this repository's
// node_modules (real code of many authors) and print the count, which should be zero.
const nodeModules = path.join(repoRoot, 'node_modules');
const structural = spawnSync(
  process.execPath,
  [cli, 'scan', nodeModules, '--no-ignore', '--no-builtin-rules', '--rules', path.join(repoRoot, 'rules', 'standing-privilege.yml'), path.join(repoRoot, 'rules', 'agent-configs.yml'), path.join(repoRoot, 'rules', 'terraform-users.yml'), '--format', 'json', '--fail-on', 'none'],
  { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
);
const summary = JSON.parse(structural.stdout).summary;
console.log(`standing-privilege and agent-config rules on node_modules (${summary.filesScanned} files, ${(summary.bytesScanned / 1e6).toFixed(0)} MB of real code): ${summary.findings} findings (false positives; expect 0)`);

// Every rule over the same real code: what a user scanning a checked-out dependency tree would see. It
// holds test keys and documentation examples at most, so each finding here is worth a look (printed).
const everything = spawnSync(process.execPath, [cli, 'scan', nodeModules, '--no-ignore', '--format', 'json', '--fail-on', 'none'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
const report = JSON.parse(everything.stdout);
console.log(`all rules on node_modules (${report.summary.filesScanned} files, ${(report.summary.bytesScanned / 1e6).toFixed(0)} MB): ${report.summary.findings} finding${report.summary.findings === 1 ? '' : 's'}`);
for (const finding of report.findings) {
  const where = finding.occurrences[0];
  console.log(`  ${finding.ruleId} at ${where.path}:${where.line}: ${(where.snippet ?? '').trim().slice(0, 100)}`);
}
