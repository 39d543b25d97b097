import { loadRules, BUILTIN_RULES_DIR } from '../../dist/ruleset/load-rules.js';
import { compileRuleset, candidateRules } from '../../dist/ruleset/compile-rules.js';
import { matcherSpecOf } from '../../dist/ruleset/rule.js';
import fg from 'fast-glob';
const dir = process.argv[2] ?? '/tmp/sprawl-bench-tree-200mb-v1';
const limit = Number(process.argv[3] ?? 150);
import { readFileSync } from 'node:fs';
const rules = loadRules([BUILTIN_RULES_DIR]);
const rs = compileRuleset(rules.map(matcherSpecOf));
const files = fg.sync(dir + '/**', { onlyFiles: true }).filter((f) => /\.(js|ts|mjs|cjs|json|md|map|yml|py|go|txt)$/.test(f)).slice(0, limit);
const bufs = files.map(f => readFileSync(f));
const total = bufs.reduce((a, b) => a + b.length, 0);
console.log('sample MB', total / 1e6, 'rules', rules.length, 'keywords', rs.rulesByKeyword.length);
let t = performance.now();
let cand = new Map();
for (const b of bufs) for (let o = 0; o < b.length; o += 1048576) { const c = b.subarray(o, o + 1048576); for (const r of candidateRules(rs, c)) cand.set(r, (cand.get(r) ?? 0) + c.length); }
console.log('prefilter MB/s', (total / 1e6 / ((performance.now() - t) / 1000)).toFixed(1));
const times = [];
for (const [r, bytes] of cand) {
  const t0 = performance.now();
  for (const b of bufs) { r.regex.lastIndex = 0; let n = 0; while (r.regex.exec(b) && n++ < 100000) {} }
  times.push([r.spec.id, performance.now() - t0]);
}
times.sort((a, b) => b[1] - a[1]);
console.log('candidate rules', cand.size, 'total regex ms', times.reduce((a, b) => a + b[1], 0).toFixed(0));
console.log(times.slice(0, 25).map(([id, ms]) => `${id} ${ms.toFixed(0)}ms`).join('\n'));
