// Dev aid: which prefilter keywords occur most often in a tree of real text (say a node_modules copy),
// and how many rules each one wakes up. Keywords that are pieces of everyday words ("fal" in "false")
// make rules run everywhere.
import { readFileSync } from 'node:fs';
import fg from 'fast-glob';
import { BUILTIN_RULES_DIR, loadRules } from '../../dist/ruleset/load-rules.js';
const [dir = '/tmp/nm', rulesDir = BUILTIN_RULES_DIR, top = '40'] = process.argv.slice(2);
const rules = loadRules([rulesDir]);
const files = fg.sync(`${dir}/**`, { onlyFiles: true }).filter((f) => /\.(js|ts|mjs|cjs|json|md|yml|py|go|txt)$/.test(f));
const texts = files.map((f) => readFileSync(f, 'latin1').toLowerCase());
const megabytes = texts.reduce((a, t) => a + t.length, 0) / 1e6;
const keywords = [...new Set(rules.flatMap((r) => r.keywords.map((k) => k.toLowerCase())))];
const rows = keywords.map((k) => {
  let hits = 0;
  for (const t of texts) for (let i = t.indexOf(k); i >= 0; i = t.indexOf(k, i + 1)) hits++;
  const owners = rules.filter((r) => r.keywords.some((x) => x.toLowerCase() === k)).map((r) => r.id);
  return { k, perMb: hits / megabytes, owners };
});
rows.sort((a, b) => b.perMb * b.owners.length - a.perMb * a.owners.length);
for (const row of rows.slice(0, Number(top))) console.log(`${JSON.stringify(row.k).padEnd(18)} ${row.perMb.toFixed(0).padStart(6)}/MB  ${row.owners.length} rules: ${row.owners.slice(0, 6).join(', ')}`);
