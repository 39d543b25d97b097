/**
 * Brings other scanners' triage into a sprawl baseline, by re-finding what they accepted in a fresh scan:
 * - gitleaks `.gitleaksignore`: `file:rule:line` or `commit:file:rule:line` fingerprints. Those are
 *   places, not values, so a finding is accepted when one of its occurrences sits at that file and line
 *   (gitleaks' rule names are not ours, so the rule part is not compared).
 * - gitleaks / Betterleaks TOML `[allowlist]` (and `[[allowlists]]`): `paths` and `regexes` are applied to
 *   this scan's findings (RE2, as gitleaks does); `stopwords` to the secret; `commits` and rule-scoped
 *   allowlists cannot be mapped and are listed as such.
 * - detect-secrets `.secrets.baseline`: its `hashed_secret` is the SHA-1 of the value, so a finding whose
 *   value has that SHA-1 at that file is accepted, wherever the line moved. Results audited as real
 *   secrets (`is_secret: true`) are not accepted.
 * The raw values never leave this module: SHA-1s are compared in memory, and the baseline keeps only
 * sprawl's keyed fingerprints.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import RE2 from 're2';
import { tomlLibrary } from '../parsers.js';
import { UserError } from '../user-error.js';
import type { Finding } from './finding.js';
import { readSettingsFile } from '../config/read-settings-file.js';

export type ImportFormat = 'gitleaksignore' | 'gitleaks-toml' | 'detect-secrets';

export interface ImportResult {
  /** Fingerprints of the findings the other tool's file accepts, with the reason to record. */
  accepted: Map<string, string>;
  /** What could not be mapped to any finding or any sprawl concept, one line each, for the user. */
  unmapped: string[];
}

export function detectImportFormat(file: string): ImportFormat {
  const name = path.basename(file);
  if (name === '.gitleaksignore') return 'gitleaksignore';
  if (name.endsWith('.toml')) return 'gitleaks-toml';
  if (name === '.secrets.baseline' || name.endsWith('.baseline')) return 'detect-secrets';
  throw new UserError('usage', `${file}: cannot tell the format (expected .gitleaksignore, a gitleaks .toml or a detect-secrets .secrets.baseline)`);
}

export function importTriage(file: string, findings: readonly Finding[]): ImportResult {
  let text: string;
  try {
    text = readSettingsFile(file, 512 * 1024 * 1024);
  } catch (cause) {
    throw new UserError('config-invalid', `${file}: cannot read (${(cause as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  switch (detectImportFormat(file)) {
    case 'gitleaksignore':
      return fromGitleaksIgnore(file, text, findings);
    case 'gitleaks-toml':
      return fromGitleaksToml(file, text, findings);
    case 'detect-secrets':
      return fromDetectSecrets(file, text, findings);
  }
}

function fromGitleaksIgnore(file: string, text: string, findings: readonly Finding[]): ImportResult {
  const accepted = new Map<string, string>();
  const unmapped: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    // file:rule:line, or commit:file:rule:line; a path may itself contain ':', so read from the right.
    const parts = line.split(':');
    const lineNumber = Number(parts.at(-1));
    const hasCommit = /^[0-9a-f]{7,40}$/.test(parts[0] ?? '') && parts.length >= 4;
    const filePath = parts.slice(hasCommit ? 1 : 0, -2).join(':');
    if (!Number.isInteger(lineNumber) || filePath === '') {
      unmapped.push(`${file}:${index + 1}: not a gitleaks fingerprint: ${line}`);
      return;
    }
    const match = findings.find((finding) => finding.occurrences.some((occurrence) => occurrence.provenance.path === filePath && occurrence.line === lineNumber));
    if (match) accepted.set(match.fingerprint, `imported from ${path.basename(file)}`);
    else unmapped.push(`${file}:${index + 1}: nothing found at ${filePath}:${lineNumber} (fixed or moved since)`);
  });
  return { accepted, unmapped };
}

function fromGitleaksToml(file: string, text: string, findings: readonly Finding[]): ImportResult {
  let config: Record<string, unknown>;
  try {
    config = tomlLibrary().parse(text) as Record<string, unknown>;
  } catch (cause) {
    throw new UserError('config-invalid', `${file}: not valid TOML (${(cause as Error).message.split('\n')[0]})`);
  }
  const accepted = new Map<string, string>();
  const unmapped: string[] = [];
  const allowlists = [config.allowlist, ...(Array.isArray(config.allowlists) ? config.allowlists : [])].filter(
    (entry): entry is Record<string, unknown> => entry !== null && typeof entry === 'object',
  );
  if (Array.isArray(config.rules) && config.rules.some((rule) => rule && typeof rule === 'object' && 'allowlist' in rule)) {
    unmapped.push(`${file}: per-rule allowlists name gitleaks rules, which have no sprawl equivalent; not imported`);
  }
  allowlists.forEach((allowlist, index) => {
    const where = `${file}: allowlist ${index + 1}`;
    if (Array.isArray(allowlist.commits) && allowlist.commits.length > 0) unmapped.push(`${where}: commits (${allowlist.commits.length}) are not imported: baseline the findings of those commits instead`);
    if (allowlist.targetRules !== undefined) unmapped.push(`${where}: targetRules name gitleaks rules; applied to every rule instead`);
    const target = typeof allowlist.regexTarget === 'string' ? allowlist.regexTarget : 'secret';
    if (target !== 'secret') unmapped.push(`${where}: regexTarget = "${target}" is not supported (only the secret); its regexes are applied to the secret`);
    const paths = compileAll(stringsOf(allowlist.paths), `${where}: paths`, unmapped);
    const regexes = compileAll(stringsOf(allowlist.regexes), `${where}: regexes`, unmapped);
    const stopwords = stringsOf(allowlist.stopwords).map((word) => word.toLowerCase());
    const needsAll = allowlist.condition === 'AND';
    for (const finding of findings) {
      const value = finding.secret.reveal();
      const checks: boolean[] = [];
      if (paths.length > 0) checks.push(finding.occurrences.every((occurrence) => paths.some((pattern) => pattern.test(occurrence.provenance.path))));
      if (regexes.length > 0) checks.push(regexes.some((pattern) => pattern.test(value)));
      if (stopwords.length > 0) checks.push(stopwords.some((word) => value.toLowerCase().includes(word)));
      if (checks.length > 0 && (needsAll ? checks.every(Boolean) : checks.some(Boolean))) accepted.set(finding.fingerprint, `imported from ${path.basename(file)} allowlist`);
    }
  });
  return { accepted, unmapped };
}

function fromDetectSecrets(file: string, text: string, findings: readonly Finding[]): ImportResult {
  let parsed: { results?: Record<string, { hashed_secret?: string; line_number?: number; is_secret?: boolean; type?: string }[]> };
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new UserError('config-invalid', `${file}: not valid JSON (${(cause as Error).message})`);
  }
  if (!parsed.results || typeof parsed.results !== 'object') throw new UserError('config-invalid', `${file}: results: expected detect-secrets results by file name`);
  const accepted = new Map<string, string>();
  const unmapped: string[] = [];
  const sha1 = (value: string) => createHash('sha1').update(value).digest('hex');
  const bySha1 = new Map<string, Finding[]>();
  for (const finding of findings) {
    const key = sha1(finding.secret.reveal());
    bySha1.set(key, [...(bySha1.get(key) ?? []), finding]);
  }
  for (const [filePath, results] of Object.entries(parsed.results)) {
    for (const result of results) {
      if (result.is_secret === true) {
        unmapped.push(`${file}: ${filePath}:${result.line_number ?? '?'}: audited as a real secret (is_secret: true); not accepted`);
        continue;
      }
      const matches = (bySha1.get(result.hashed_secret ?? '') ?? []).filter((finding) => finding.occurrences.some((occurrence) => occurrence.provenance.path === filePath));
      if (matches.length === 0) unmapped.push(`${file}: ${filePath}:${result.line_number ?? '?'} (${result.type ?? 'secret'}): not found by sprawl (fixed, or a value sprawl does not report)`);
      for (const finding of matches) accepted.set(finding.fingerprint, `imported from ${path.basename(file)}`);
    }
  }
  return { accepted, unmapped };
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];
}

function compileAll(patterns: readonly string[], where: string, unmapped: string[]): RE2[] {
  return patterns.flatMap((pattern) => {
    try {
      return [new RE2(pattern, 'u')];
    } catch (cause) {
      unmapped.push(`${where}: ${JSON.stringify(pattern)} does not compile under RE2 (${(cause as Error).message}); skipped`);
      return [];
    }
  });
}
