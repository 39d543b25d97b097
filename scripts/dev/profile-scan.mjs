// Dev aid: runs the pattern detector in-process over a tree (no worker pool), for `node --cpu-prof`.
import { readFileSync } from 'node:fs';
import fg from 'fast-glob';
import { compileRuleset } from '../../dist/ruleset/compile-rules.js';
import { findMatches } from '../../dist/detectors/pattern.js';
import { BUILTIN_RULES_DIR, loadRules } from '../../dist/ruleset/load-rules.js';
import { matcherSpecOf } from '../../dist/ruleset/rule.js';
const [dir = '/tmp/nm', rulesDir = BUILTIN_RULES_DIR] = process.argv.slice(2);
const ruleset = compileRuleset(loadRules([rulesDir]).map(matcherSpecOf));
const files = fg.sync(`${dir}/**`, { onlyFiles: true });
let bytes = 0, matches = 0;
const started = performance.now();
for (const file of files) {
  const buffer = readFileSync(file);
  if (buffer.subarray(0, 8000).includes(0)) continue;
  for (let offset = 0; offset < buffer.length; offset += 1 << 20) {
    matches += findMatches(buffer.subarray(offset, offset + (1 << 20)), ruleset).length;
  }
  bytes += buffer.length;
}
const seconds = (performance.now() - started) / 1000;
console.log(`${(bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(2)} s = ${(bytes / 1e6 / seconds).toFixed(1)} MB/s, ${matches} matches`);
if (globalThis.__ruleTimes) console.log([...globalThis.__ruleTimes].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([id, ms]) => `${id} ${ms.toFixed(0)}ms calls=${globalThis.__ruleCalls.get(id)}`).join('\n'));
if (globalThis.__setTime) console.log(`keyword set ${globalThis.__setTime.toFixed(0)}ms, rules ${[...globalThis.__ruleTimes.values()].reduce((a, b) => a + b, 0).toFixed(0)}ms`);
if (globalThis.__ruleTimes) {
  const rows = [...globalThis.__ruleTimes].sort((a, b) => b[1] - a[1]);
  const total = rows.reduce((sum, [, ms]) => sum + ms, 0);
  console.log(`rules evaluated: ${rows.length}; top 10 take ${rows.slice(0, 10).reduce((s, [, ms]) => s + ms, 0).toFixed(0)} of ${total.toFixed(0)} ms`);
}
