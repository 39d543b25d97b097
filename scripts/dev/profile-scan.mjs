#!/usr/bin/env node
/**
 * Dev aid: the pattern detector in this thread (no worker pool, no reporting) over a tree, for timing
 * and for `node --cpu-prof`. With --per-rule, each rule runs alone over the first --sample-mb of the
 * tree (keyword prefilter included), and the 20 costliest are listed: where a slow pattern or an
 * everyday keyword shows up.
 *
 *   node scripts/dev/profile-scan.mjs DIR [--per-rule] [--sample-mb 10]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import fg from 'fast-glob';
import { findMatches } from '../../dist/detectors/pattern.js';
import { loadBuiltinRules } from '../../dist/ruleset/builtin-cache.js';
import { compileRuleset } from '../../dist/ruleset/compile-rules.js';
import { matcherSpecOf } from '../../dist/ruleset/rule.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'per-rule': { type: 'boolean' }, 'sample-mb': { type: 'string', default: '10' } } });
const dir = positionals[0] ?? 'node_modules';
const specs = loadBuiltinRules().map(matcherSpecOf);
const CHUNK = 1 << 20;

const texts = [];
for (const file of fg.sync('**', { cwd: dir, absolute: true, onlyFiles: true })) {
  const bytes = readFileSync(file);
  if (!bytes.subarray(0, 8000).includes(0)) texts.push(bytes);
}
const totalBytes = texts.reduce((sum, bytes) => sum + bytes.length, 0);

function scanAll(ruleset, buffers) {
  let matches = 0;
  const started = performance.now();
  for (const bytes of buffers) for (let offset = 0; offset < bytes.length; offset += CHUNK) matches += findMatches(bytes.subarray(offset, offset + CHUNK), ruleset).length;
  return { ms: performance.now() - started, matches };
}

const all = scanAll(compileRuleset(specs), texts);
console.log(`${(totalBytes / 1e6).toFixed(1)} MB in ${(all.ms / 1000).toFixed(2)} s = ${(totalBytes / 1e6 / (all.ms / 1000)).toFixed(1)} MB/s, ${all.matches} matches`);

if (values['per-rule']) {
  const sample = [];
  for (let bytes = 0, index = 0; index < texts.length && bytes < Number(values['sample-mb']) * 1e6; index++) {
    sample.push(texts[index]);
    bytes += texts[index].length;
  }
  const costs = specs.map((spec) => ({ id: spec.id, ...scanAll(compileRuleset([spec]), sample) }));
  costs.sort((a, b) => b.ms - a.ms);
  for (const cost of costs.slice(0, 20)) console.log(`${cost.ms.toFixed(0).padStart(6)} ms  ${cost.id}`);
}
