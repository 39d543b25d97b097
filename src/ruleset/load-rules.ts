/**
 * Reads rule files (`rules/*.yml`, or a user's own with `--rules PATH`) into validated `Rule` objects.
 * Every problem is a UserError that names the file, the line and the rule:
 * `rules/x.yml:12: rule x.y: pattern does not compile (missing ')')`.
 * Patterns are compiled here once with RE2, only to check them; workers compile their own copies.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import RE2 from 're2';
import type { Node, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { yamlLibrary } from '../parsers.js';
import { structuralDetectorNamed, structuralDetectorNames } from '../detectors/structural/index.js';
import { validatorNamed, validatorNames } from '../detectors/validators/index.js';
import { UserError } from '../user-error.js';
import { isKnownContext, KNOWN_CONTEXTS, renderContext } from './example-contexts.js';
import { planPattern, precededByPattern } from './fast-pattern.js';
import { LIFETIMES, NHI_TOP10, SEVERITIES, type Lifetime, type NegativeExample, type Rule, type RuleExample, type Severity } from './rule.js';
import { readSettingsFile } from '../config/read-settings-file.js';

/** The rules that ship with sprawl: `<package>/rules`. */
export const BUILTIN_RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));

const RULE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*){1,3}$/;
const RULE_FIELDS = new Set([
  'id', 'name', 'description', 'provider', 'lifetime', 'lifetime_evidence', 'severity', 'keywords', 'pattern', 'preceded_by',
  'min_entropy', 'generic', 'multiline', 'identifier', 'context_keywords', 'detector', 'validator', 'fake', 'cwe', 'nhi', 'references', 'remediation', 'examples', 'negative_examples',
]);
const FILE_FIELDS = new Set(['provider', 'rules']);

// The yaml library loads on first use (see parsers.ts): the built-in rules usually come from their cache.
const isMap = (node: unknown): node is YAMLMap => yamlLibrary().isMap(node);
const isSeq = (node: unknown): node is YAMLSeq => yamlLibrary().isSeq(node);
const isScalar = (node: unknown): node is Scalar => yamlLibrary().isScalar(node);
const MIN_KEYWORD_LENGTH = 3;

/**
 * A keyword is what makes a rule run at all. One or two letters occur in every block of text; two
 * characters of which one is punctuation (`-h`, `x-`) are rarer than most longer words (measured on real
 * code: `-h` is in 3 % of 4 KiB blocks, `token` in 19 %).
 */
function isTooShortToPrefilter(keyword: string): boolean {
  const trimmed = keyword.trim();
  return trimmed.length < MIN_KEYWORD_LENGTH && !(trimmed.length === 2 && /[^\p{L}\p{N}]/u.test(trimmed));
}

/** Lists the rule files under a path: a `.yml`/`.yaml` file itself, or every such file in a directory. */
export function ruleFilesIn(rulesPath: string): string[] {
  let stats;
  try {
    stats = statSync(rulesPath);
  } catch {
    throw new UserError('rules-not-found', `${rulesPath}: no such rule file or directory`);
  }
  if (!stats.isDirectory()) return [rulesPath];
  const files = readdirSync(rulesPath)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => path.join(rulesPath, name));
  // A folder given for rules that holds none is a mistake to say, not a scan with no rules of the user's.
  if (files.length === 0) throw new UserError('rules-not-found', `${rulesPath}: no rule files (*.yml, *.yaml) in this folder`);
  return files;
}

/** Loads rules from files or directories, rejecting duplicate ids across all of them. */
export function loadRules(rulesPaths: readonly string[]): Rule[] {
  const rules: Rule[] = [];
  const seen = new Map<string, string>();
  for (const file of rulesPaths.flatMap(ruleFilesIn)) {
    for (const rule of loadRuleFile(file)) {
      const earlier = seen.get(rule.id);
      if (earlier) throw ruleError(rule.origin.file, rule.origin.line, rule.id, `duplicate rule id (also at ${earlier})`);
      seen.set(rule.id, `${rule.origin.file}:${rule.origin.line}`);
      rules.push(rule);
    }
  }
  return rules;
}

export function loadRuleFile(file: string): Rule[] {
  const displayName = displayNameOf(file);
  let text: string;
  try {
    text = readSettingsFile(file, 16 * 1024 * 1024);
  } catch (cause) {
    throw new UserError('rules-not-found', `${displayName}: cannot read rule file (${(cause as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const { LineCounter, parseDocument } = yamlLibrary();
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true });
  const lineOf = (node: Node | null | undefined): number => (node?.range ? lineCounter.linePos(node.range[0]).line : 1);
  if (document.errors.length > 0) {
    const first = document.errors[0]!;
    const line = first.linePos?.[0]?.line ?? 1;
    throw new UserError('rule-invalid', `${displayName}:${line}: invalid YAML (${first.message.split('\n')[0]})`);
  }
  // Aliases expand once values are read; the YAML library refuses a file whose aliases would expand
  // without bound (a "billion laughs"): asked once here, so that it is bad input, not a crash later.
  try {
    document.toJSON();
  } catch (error) {
    throw new UserError('rule-invalid', `${displayName}:1: invalid YAML (${String((error as Error).message).split('\n')[0]})`);
  }
  const root = document.contents;
  if (!isMap(root)) throw new UserError('rule-invalid', `${displayName}:1: expected a mapping with a 'rules' list`);
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!FILE_FIELDS.has(key)) throw new UserError('rule-invalid', `${displayName}:${lineOf(pair.key as Node)}: unknown top-level field '${key}'`);
  }
  const fileProvider = root.get('provider');
  const rulesNode = root.get('rules', true);
  if (!isSeq(rulesNode)) throw new UserError('rule-invalid', `${displayName}:${lineOf(root)}: expected a 'rules' list`);
  return rulesNode.items.map((item) => {
    if (!isMap(item)) throw new UserError('rule-invalid', `${displayName}:${lineOf(item as Node)}: each rule must be a mapping`);
    return parseRule(item, displayName, lineOf, typeof fileProvider === 'string' ? fileProvider : undefined);
  });
}

function parseRule(node: YAMLMap, file: string, lineOf: (node: Node | null | undefined) => number, fileProvider: string | undefined): Rule {
  const ruleLine = lineOf(node);
  const raw = node.toJSON() as Record<string, unknown>;
  const id = typeof raw.id === 'string' ? raw.id : '<no id>';
  const fail = (message: string, field?: string): never => {
    const fieldNode = field ? (node.get(field, true) as Node | undefined) : undefined;
    throw ruleError(file, fieldNode ? lineOf(fieldNode) : ruleLine, id, message);
  };

  for (const key of Object.keys(raw)) if (!RULE_FIELDS.has(key)) fail(`unknown field '${key}'`, key);
  if (typeof raw.id !== 'string' || !RULE_ID.test(raw.id)) fail(`'id' must look like provider.kind[.variant] in lower case`, 'id');
  const text = (field: string, required = true): string => {
    const value = raw[field];
    if (value === undefined && !required) return '';
    if (typeof value !== 'string' || value.trim() === '') fail(`'${field}' must be a non-empty string`, field);
    return (value as string).trim();
  };
  const list = (field: string, required = true): string[] => {
    const value = raw[field];
    if (value === undefined && !required) return [];
    if (!Array.isArray(value) || value.length === 0 || !value.every((entry) => typeof entry === 'string' && entry !== '')) {
      fail(`'${field}' must be a non-empty list of strings`, field);
    }
    return value as string[];
  };

  const lifetime = text('lifetime') as Lifetime;
  if (!LIFETIMES.includes(lifetime)) fail(`'lifetime' must be one of ${LIFETIMES.join(', ')}`, 'lifetime');
  const severity = text('severity') as Severity;
  if (!SEVERITIES.includes(severity)) fail(`'severity' must be one of ${SEVERITIES.join(', ')}`, 'severity');
  const provider = raw.provider === undefined ? fileProvider : text('provider');
  if (!provider) fail(`'provider' is missing (set it on the rule or at the top of the file)`);

  const detector = raw.detector === undefined ? undefined : text('detector');
  if (detector !== undefined && !structuralDetectorNamed(detector)) fail(`unknown detector '${detector}' (known: ${structuralDetectorNames().join(', ')})`, 'detector');
  if (detector !== undefined && (raw.pattern !== undefined || raw.keywords !== undefined)) fail(`a rule with a 'detector' has no 'pattern' or 'keywords'`, 'detector');
  const pattern = detector === undefined ? text('pattern') : '';
  if (detector === undefined) {
    let compiled: RE2;
    try {
      compiled = new RE2(pattern, 'u');
    } catch (cause) {
      return fail(`pattern does not compile (${(cause as Error).message})`, 'pattern');
    }
    if (!/\((?!\?)|\(\?P?<secret\d*>/.test(pattern) || compiled.source === '') fail(`pattern needs a capture group for the secret`, 'pattern');
  }
  const precededBy = raw.preceded_by === undefined ? undefined : text('preceded_by');
  if (precededBy !== undefined) {
    if (detector !== undefined) fail(`a rule with a 'detector' has no 'preceded_by'`, 'preceded_by');
    try {
      new RE2(precededByPattern(precededBy), 'u');
    } catch (cause) {
      fail(`'preceded_by' does not compile (${(cause as Error).message})`, 'preceded_by');
    }
  }

  const keywords = detector === undefined ? list('keywords') : [];
  for (const keyword of keywords) {
    if (isTooShortToPrefilter(keyword)) fail(`keyword '${keyword}' is too short to prefilter on (at least ${MIN_KEYWORD_LENGTH} characters, or 2 with punctuation)`, 'keywords');
  }
  const cwe = list('cwe');
  for (const entry of cwe) if (!/^CWE-\d+$/.test(entry)) fail(`'cwe' entries look like CWE-798, not '${entry}'`, 'cwe');
  const nhi = list('nhi');
  for (const entry of nhi) if (!Object.hasOwn(NHI_TOP10, entry)) fail(`'nhi' entries are OWASP NHI Top 10 ids (NHI1..NHI10), not '${entry}'`, 'nhi');

  let minEntropy: number | undefined;
  if (raw.min_entropy !== undefined) {
    if (typeof raw.min_entropy !== 'number' || raw.min_entropy < 0 || raw.min_entropy > 8) fail(`'min_entropy' must be a number of bits between 0 and 8`, 'min_entropy');
    minEntropy = raw.min_entropy as number;
  }
  let validator: string | undefined;
  if (raw.validator !== undefined) {
    validator = text('validator');
    if (!validatorNamed(validator)) fail(`unknown validator '${validator}' (known: ${validatorNames().join(', ')})`, 'validator');
  }
  for (const flag of ['generic', 'multiline', 'identifier', 'context_keywords']) {
    if (raw[flag] !== undefined && typeof raw[flag] !== 'boolean') fail(`'${flag}' must be true or false`, flag);
  }
  const fake = text('fake', false) || undefined;
  if (fake) {
    try {
      new RegExp(fake);
    } catch (cause) {
      fail(`'fake' is not a valid regular expression (${(cause as Error).message})`, 'fake');
    }
  }

  const examples = parseExamples(node, raw, fail, lineOf);
  if (examples.length === 0) fail(`a rule needs at least one example`, 'examples');
  if (examples.some((example) => /\{\{fake\}\}/.test(example.text + example.secret)) && !fake) fail(`examples use {{fake}} but the rule has no 'fake'`, 'fake');
  const negativeExamples = parseNegativeExamples(node, raw, fail, lineOf);

  return {
    id,
    name: text('name'),
    description: text('description'),
    provider: provider!,
    lifetime,
    lifetimeEvidence: text('lifetime_evidence'),
    severity,
    keywords,
    pattern,
    ...(precededBy !== undefined ? { precededBy } : {}),
    ...(minEntropy !== undefined ? { minEntropy } : {}),
    generic: raw.generic === true,
    multiline: raw.multiline === true,
    identifier: raw.identifier === true,
    ...(raw.context_keywords === true ? { contextKeywords: true } : {}),
    ...(detector !== undefined ? { detector } : {}),
    ...(validator !== undefined ? { validator } : {}),
    ...(fake !== undefined ? { fake } : {}),
    cwe,
    nhi,
    references: list('references'),
    remediation: text('remediation'),
    examples,
    negativeExamples,
    origin: { file, line: ruleLine },
    ...(detector === undefined ? { plan: planPattern(pattern) } : {}),
  };
}

function parseExamples(
  node: YAMLMap,
  raw: Record<string, unknown>,
  fail: (message: string, field?: string) => never,
  lineOf: (node: Node | null | undefined) => number,
): RuleExample[] {
  const seq = node.get('examples', true);
  if (raw.examples === undefined) return [];
  if (!isSeq(seq)) return fail(`'examples' must be a list`, 'examples');
  const examples: RuleExample[] = [];
  seq.items.forEach((item, index) => {
    const line = lineOf(item as Node);
    const value = (item as Node & { toJSON(): unknown }).toJSON();
    if (typeof value === 'string') {
      examples.push({ text: value, secret: '{{fake}}', line, label: `example ${index + 1}` });
      return;
    }
    if (value === null || typeof value !== 'object') fail(`example ${index + 1} must be a string or a mapping`, 'examples');
    const entry = value as Record<string, unknown>;
    const secret = typeof entry.secret === 'string' ? entry.secret : '{{fake}}';
    if (typeof entry.text === 'string') {
      examples.push({ text: entry.text, secret, line, label: `example ${index + 1}`, ...(typeof entry.file === 'string' ? { file: entry.file } : {}) });
    } else if (Array.isArray(entry.contexts) && typeof entry.key === 'string') {
      for (const context of entry.contexts) {
        if (typeof context !== 'string' || !isKnownContext(context)) {
          fail(`example ${index + 1}: unknown context '${String(context)}' (known: ${KNOWN_CONTEXTS.join(', ')})`, 'examples');
        }
        examples.push({ text: renderContext(context as string, entry.key, secret), secret, line, label: `example ${index + 1} (${context as string})` });
      }
    } else {
      fail(`example ${index + 1} needs 'text', or 'contexts' with a 'key'`, 'examples');
    }
  });
  return examples;
}

function parseNegativeExamples(
  node: YAMLMap,
  raw: Record<string, unknown>,
  fail: (message: string, field?: string) => never,
  lineOf: (node: Node | null | undefined) => number,
): NegativeExample[] {
  if (raw.negative_examples === undefined) return [];
  const seq = node.get('negative_examples', true);
  if (!isSeq(seq)) return fail(`'negative_examples' must be a list of strings`, 'negative_examples');
  return seq.items.map((item, index) => {
    const value = (item as Node & { toJSON(): unknown }).toJSON();
    if (typeof value === 'string') return { text: value, line: lineOf(item as Node) };
    const entry = value as Record<string, unknown> | null;
    if (entry && typeof entry.text === 'string') {
      return { text: entry.text, line: lineOf(item as Node), ...(typeof entry.file === 'string' ? { file: entry.file } : {}) };
    }
    return fail(`negative example ${index + 1} must be a string, or a mapping with 'text' (and 'file')`, 'negative_examples');
  });
}

/** Built-in rules show as `rules/x.yml`; a user's rule file as the path they gave. */
function displayNameOf(file: string): string {
  const builtin = path.relative(BUILTIN_RULES_DIR, file);
  return builtin.startsWith('..') || path.isAbsolute(builtin) ? file : `rules/${builtin.split(path.sep).join('/')}`;
}

function ruleError(file: string, line: number, id: string, message: string): UserError {
  return new UserError('rule-invalid', `${file}:${line}: rule ${id}: ${message}`);
}
