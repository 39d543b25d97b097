/**
 * The built-in catalogue, loaded fast. Parsing ~600 rules of YAML with positions takes half a second,
 * which a pre-commit hook cannot spend, so the validated rules are cached as JSON next to the build
 * (`dist/builtin-rules.json`), keyed by the names, sizes and modification times of the rule files: any
 * edit to `rules/` makes the next run parse the YAML again and rewrite the cache. Writing the cache is
 * best effort (a read-only install simply parses every time).
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BUILTIN_RULES_DIR, loadRules, ruleFilesIn } from './load-rules.js';
import type { Rule } from './rule.js';

/**
 * Raised whenever what a cached rule holds changes (2: rules carry their pattern's `plan`; 3: plans carry
 * `openings`; 4: rules leave their examples out).
 */
const CACHE_FORMAT = 4;
const CACHE_PATH = path.join(BUILTIN_RULES_DIR, '..', 'dist', 'builtin-rules.json');

interface CacheFile {
  format: number;
  signature: string;
  rules: Rule[];
}

/**
 * The built-in rules, without their examples (empty lists): a scan never runs them, and they were a third
 * of the cache, parsed and kept on the main thread (5 ms of parsing and as much of garbage collection on
 * every run). `sprawl rules check` and the tests read the examples from the rule files themselves.
 */
export function loadBuiltinRules(): Rule[] {
  const signature = signatureOf(ruleFilesIn(BUILTIN_RULES_DIR));
  const cached = readCache();
  if (cached?.format === CACHE_FORMAT && cached.signature === signature) return cached.rules;
  const rules = loadRules([BUILTIN_RULES_DIR]).map((rule): Rule => ({ ...rule, examples: [], negativeExamples: [] }));
  writeCache({ format: CACHE_FORMAT, signature, rules });
  return rules;
}

function signatureOf(files: readonly string[]): string {
  const hash = createHash('sha256');
  for (const file of files) {
    const stats = statSync(file);
    hash.update(`${path.basename(file)}\0${stats.size}\0${stats.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

function readCache(): CacheFile | undefined {
  try {
    return JSON.parse(readFileSync(CACHE_PATH, 'utf8')) as CacheFile;
  } catch {
    return undefined;
  }
}

function writeCache(cache: CacheFile): void {
  const temporary = `${CACHE_PATH}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, JSON.stringify(cache));
    renameSync(temporary, CACHE_PATH);
  } catch {
    // No dist/ (running from source) or not writable: parse the YAML next time too.
  }
}
