/**
 * The project configuration file, `.sprawl.yml` (or `.sprawl.yaml`, `sprawl.config.yml`) at the scan
 * root, or `--config FILE`. It turns rules off, changes their severities, leaves out paths, allow-lists
 * values by their keyed hash (never the value itself), names the baseline and the default `--fail-on`,
 * and names the environment variable that holds the organisation's fingerprint key (the key itself never
 * goes in a committed file). Every problem is one line naming the file, the line and the field.
 *
 *   rules:
 *     disable: [generic.password.prose]
 *     severity: { generic.secret.assignment: low }
 *   paths:
 *     exclude: ['vendor/**', '**' + '/*.min.js']
 *   allow:
 *     secret_hashes: [3f1a…]        # from a report's secretHash
 *   baseline: .sprawl-baseline.json
 *   fail_on: high
 *   fingerprint_key_env: SPRAWL_ORG_KEY
 *   thresholds:
 *     max_token_lifetime_hours: 720  # token TTL settings above this are standing access
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Node } from 'yaml';
import { yamlLibrary } from '../parsers.js';
import { SEVERITIES, type Severity } from '../ruleset/rule.js';
import { UserError } from '../user-error.js';
import { readSettingsFile } from './read-settings-file.js';

export const CONFIG_FILE_NAMES = ['.sprawl.yml', '.sprawl.yaml', 'sprawl.config.yml', 'sprawl.config.yaml'] as const;

export interface SprawlConfig {
  /** Where it was read from; undefined when there is no config file. */
  file?: string;
  disabledRules: string[];
  severityOverrides: Record<string, Severity>;
  excludePaths: string[];
  /** Keyed secret hashes (hex) of values allowed anywhere. */
  allowedSecretHashes: string[];
  baseline?: string;
  failOn?: Severity | 'none';
  /** The name of the environment variable holding the fingerprint key. */
  fingerprintKeyEnv?: string;
  /** `thresholds.max_token_lifetime_hours`: token lifetime settings above it are reported. */
  maxTokenLifetimeHours?: number;
}

export const EMPTY_CONFIG: SprawlConfig = { disabledRules: [], severityOverrides: {}, excludePaths: [], allowedSecretHashes: [] };

/** Finds and reads the config for a scan root; an explicit `--config` must exist. */
export function loadConfig(root: string, explicit?: string): SprawlConfig {
  if (explicit) {
    if (!existsSync(explicit)) throw new UserError('config-invalid', `${explicit}: no such config file`);
    return parseConfig(explicit);
  }
  for (const name of CONFIG_FILE_NAMES) {
    const candidate = path.join(root, name);
    if (existsSync(candidate)) return parseConfig(candidate);
  }
  return EMPTY_CONFIG;
}

const TOP_LEVEL = new Set(['rules', 'paths', 'allow', 'baseline', 'fail_on', 'fingerprint_key_env', 'thresholds']);

/** The config file's text; one that cannot be read (a folder, no permission) is the user's to mend, in one line. */
function readConfigText(file: string): string {
  try {
    return readSettingsFile(file, 4 * 1024 * 1024);
  } catch (error) {
    throw new UserError('config-invalid', `${file}: cannot read the config file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

export function parseConfig(file: string): SprawlConfig {
  const { isMap, LineCounter, parseDocument } = yamlLibrary();
  const lineCounter = new LineCounter();
  const document = parseDocument(readConfigText(file), { lineCounter, uniqueKeys: true });
  const lineOf = (node: unknown): number => {
    const range = (node as Node | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : 1;
  };
  if (document.errors.length > 0) {
    const first = document.errors[0]!;
    throw new UserError('config-invalid', `${file}:${first.linePos?.[0]?.line ?? 1}: invalid YAML (${first.message.split('\n')[0]})`);
  }
  if (document.contents === null) return { ...EMPTY_CONFIG, file };
  if (!isMap(document.contents)) throw new UserError('config-invalid', `${file}:1: expected a mapping of settings`);
  const fail = (fieldPath: string[], message: string): never => {
    throw new UserError('config-invalid', `${file}:${lineOf(document.getIn(fieldPath, true))}: ${fieldPath.join('.')}: ${message}`);
  };
  const raw = plainValues(document, file) as Record<string, unknown>;
  for (const key of Object.keys(raw)) if (!TOP_LEVEL.has(key)) fail([key], `unknown setting (known: ${[...TOP_LEVEL].join(', ')})`);

  const stringList = (fieldPath: string[], value: unknown): string[] => {
    if (value === undefined) return [];
    if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string')) return fail(fieldPath, 'expected a list of strings');
    return value as string[];
  };
  const section = (name: string, allowed: string[]): Record<string, unknown> => {
    const value = raw[name];
    if (value === undefined) return {};
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return fail([name], 'expected a mapping');
    for (const key of Object.keys(value)) if (!allowed.includes(key)) fail([name, key], `unknown setting (known: ${allowed.join(', ')})`);
    return value as Record<string, unknown>;
  };

  const rules = section('rules', ['disable', 'severity']);
  const severityOverrides: Record<string, Severity> = {};
  if (rules.severity !== undefined) {
    if (rules.severity === null || typeof rules.severity !== 'object' || Array.isArray(rules.severity)) fail(['rules', 'severity'], 'expected a mapping of rule id to severity');
    for (const [ruleId, severity] of Object.entries(rules.severity as Record<string, unknown>)) {
      if (!SEVERITIES.includes(severity as Severity)) fail(['rules', 'severity', ruleId], `expected one of ${SEVERITIES.join(', ')}`);
      severityOverrides[ruleId] = severity as Severity;
    }
  }
  const paths = section('paths', ['exclude']);
  const allow = section('allow', ['secret_hashes']);
  const allowedSecretHashes = stringList(['allow', 'secret_hashes'], allow.secret_hashes);
  allowedSecretHashes.forEach((hash, index) => {
    if (!/^[0-9a-f]{64}$/.test(hash)) fail(['allow', 'secret_hashes', String(index)], 'expected a secretHash from a report (64 hex characters)');
  });
  const thresholds = section('thresholds', ['max_token_lifetime_hours']);
  const maxHours = thresholds.max_token_lifetime_hours;
  if (maxHours !== undefined && (typeof maxHours !== 'number' || !Number.isFinite(maxHours) || maxHours <= 0)) {
    fail(['thresholds', 'max_token_lifetime_hours'], 'expected a positive number of hours');
  }
  const failOn = raw.fail_on;
  if (failOn !== undefined && failOn !== 'none' && !SEVERITIES.includes(failOn as Severity)) fail(['fail_on'], `expected none or one of ${SEVERITIES.join(', ')}`);
  for (const name of ['baseline', 'fingerprint_key_env']) {
    if (raw[name] !== undefined && typeof raw[name] !== 'string') fail([name], 'expected a string');
  }
  return {
    file,
    disabledRules: stringList(['rules', 'disable'], rules.disable),
    severityOverrides,
    excludePaths: stringList(['paths', 'exclude'], paths.exclude),
    allowedSecretHashes,
    ...(typeof raw.baseline === 'string' ? { baseline: path.resolve(path.dirname(file), raw.baseline) } : {}),
    ...(failOn !== undefined ? { failOn: failOn as Severity | 'none' } : {}),
    ...(typeof raw.fingerprint_key_env === 'string' ? { fingerprintKeyEnv: raw.fingerprint_key_env } : {}),
    ...(typeof maxHours === 'number' ? { maxTokenLifetimeHours: maxHours } : {}),
  };
}

/**
 * The document as plain values. Aliases expand here, and the YAML library refuses a document whose
 * aliases would expand without bound (a "billion laughs"): bad input, said as such.
 */
function plainValues(document: { toJSON(): unknown }, file: string): unknown {
  try {
    return document.toJSON();
  } catch (error) {
    throw new UserError('config-invalid', `${file}:1: invalid YAML (${String((error as Error).message).split('\n')[0]})`);
  }
}
