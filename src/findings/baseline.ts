/**
 * The baseline: findings a team has accepted, keyed by content, not by place. An entry is a fingerprint
 * (rule + keyed secret hash, see fingerprint.ts), the paths it was seen at (for people), optionally a
 * scope (gitignore-style patterns the acceptance is limited to), and who accepted it, why and until when.
 * It holds no secret, no line number and no timestamp that changes from run to run, and entries are
 * sorted, so two people who baseline the same tree write byte-identical files, and a moved line, a renamed
 * file, a reformat or a rebase changes nothing.
 */
import { matchesReportedPath, pathPatterns } from '../sources/path-patterns.js';
import { UserError } from '../user-error.js';
import { isSuppressed, type Finding } from './finding.js';
import { readSettingsFile } from '../config/read-settings-file.js';

export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  fingerprint: string;
  /** The rule, for people reading the file; absent for entries added by fingerprint alone (`sprawl ignore`). */
  ruleId?: string;
  /** Where it was seen when accepted (sorted); for people reading the file, not for matching. */
  seenAt: string[];
  /** gitignore-style patterns: when present, only occurrences at matching paths are accepted. */
  scope?: string[];
  reason?: string;
  by?: string;
  /** ISO date (YYYY-MM-DD) after which the entry no longer suppresses. */
  until?: string;
}

export interface Baseline {
  version: number;
  entries: BaselineEntry[];
}

/**
 * A baseline of these findings. Reasons, owners and expiry dates of entries a previous baseline had for
 * the same fingerprints carry over; paths are what is found now.
 */
export function baselineFromFindings(findings: readonly Finding[], previous?: Baseline): Baseline {
  const earlier = new Map((previous?.entries ?? []).map((entry) => [entry.fingerprint, entry]));
  const entries = new Map<string, BaselineEntry>();
  for (const finding of findings) {
    const paths = finding.occurrences.map((occurrence) => occurrence.provenance.path);
    const known = entries.get(finding.fingerprint) ?? earlier.get(finding.fingerprint);
    entries.set(finding.fingerprint, {
      ...(known?.reason !== undefined ? { reason: known.reason } : {}),
      ...(known?.by !== undefined ? { by: known.by } : {}),
      ...(known?.until !== undefined ? { until: known.until } : {}),
      ...(known?.scope !== undefined ? { scope: known.scope } : {}),
      fingerprint: finding.fingerprint,
      ruleId: finding.rule.id,
      seenAt: [...new Set([...(entries.get(finding.fingerprint)?.seenAt ?? []), ...paths])],
    });
  }
  return normalise({ version: BASELINE_VERSION, entries: [...entries.values()] });
}

/** Deterministic text: entries sorted by fingerprint, keys in a fixed order, a trailing newline. */
export function serialiseBaseline(baseline: Baseline): string {
  const entries = normalise(baseline).entries.map((entry) => ({
    fingerprint: entry.fingerprint,
    ...(entry.ruleId !== undefined ? { ruleId: entry.ruleId } : {}),
    seenAt: entry.seenAt,
    ...(entry.scope !== undefined ? { scope: entry.scope } : {}),
    ...(entry.reason !== undefined ? { reason: entry.reason } : {}),
    ...(entry.by !== undefined ? { by: entry.by } : {}),
    ...(entry.until !== undefined ? { until: entry.until } : {}),
  }));
  return `${JSON.stringify({ version: BASELINE_VERSION, entries }, null, 2)}\n`;
}

function normalise(baseline: Baseline): Baseline {
  const entries = [...baseline.entries]
    .map((entry) => ({ ...entry, seenAt: [...new Set(entry.seenAt)].sort() }))
    .sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
  return { version: BASELINE_VERSION, entries };
}

export function readBaseline(file: string): Baseline {
  let text: string;
  try {
    text = readSettingsFile(file, 512 * 1024 * 1024);
  } catch (cause) {
    throw new UserError('config-invalid', `${file}: cannot read the baseline (${(cause as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new UserError('config-invalid', `${file}: not valid JSON (${(cause as Error).message})`);
  }
  const fail = (where: string, message: string): never => {
    throw new UserError('config-invalid', `${file}: ${where}: ${message}`);
  };
  if (parsed === null || typeof parsed !== 'object') return fail('top level', 'expected an object with "version" and "entries"');
  const { version, entries } = parsed as { version?: unknown; entries?: unknown };
  if (version !== BASELINE_VERSION) fail('version', `expected ${BASELINE_VERSION}, found ${JSON.stringify(version)}`);
  if (!Array.isArray(entries)) return fail('entries', 'expected a list');
  return {
    version: BASELINE_VERSION,
    entries: entries.map((entry: unknown, index) => {
      const where = `entries[${index}]`;
      if (entry === null || typeof entry !== 'object') return fail(where, 'expected an object');
      const { fingerprint, ruleId, seenAt, scope, reason, by, until } = entry as Record<string, unknown>;
      if (typeof fingerprint !== 'string' || !/^sprawl\/v1:[0-9a-f]{40}$/.test(fingerprint)) fail(`${where}.fingerprint`, 'expected a sprawl/v1 fingerprint');
      if (ruleId !== undefined && typeof ruleId !== 'string') fail(`${where}.ruleId`, 'expected a rule id');
      if (!Array.isArray(seenAt) || !seenAt.every((path) => typeof path === 'string')) fail(`${where}.seenAt`, 'expected a list of paths');
      if (scope !== undefined && (!Array.isArray(scope) || !scope.every((pattern) => typeof pattern === 'string'))) fail(`${where}.scope`, 'expected a list of path patterns');
      if (reason !== undefined && typeof reason !== 'string') fail(`${where}.reason`, 'expected text');
      if (by !== undefined && typeof by !== 'string') fail(`${where}.by`, 'expected text');
      if (until !== undefined && (typeof until !== 'string' || !isCalendarDate(until))) {
        fail(`${where}.until`, 'expected a date as YYYY-MM-DD');
      }
      return {
        fingerprint: fingerprint as string,
        ...(ruleId !== undefined ? { ruleId: ruleId as string } : {}),
        seenAt: seenAt as string[],
        ...(scope !== undefined ? { scope: scope as string[] } : {}),
        ...(reason !== undefined ? { reason: reason as string } : {}),
        ...(by !== undefined ? { by: by as string } : {}),
        ...(until !== undefined ? { until: until as string } : {}),
      };
    }),
  };
}

export interface BaselineOutcome {
  /** Entries that matched nothing in this scan (the secret is gone, or the scan did not reach it). */
  unused: BaselineEntry[];
  /** Entries past their `until` date: they suppress nothing any more. */
  expired: BaselineEntry[];
}

/** Marks baselined occurrences as suppressed; what is left unsuppressed is new. */
export function applyBaseline(findings: Finding[], baseline: Baseline, now: Date = new Date()): BaselineOutcome {
  const today = now.toISOString().slice(0, 10);
  const byFingerprint = new Map(baseline.entries.map((entry) => [entry.fingerprint, entry]));
  const used = new Set<string>();
  const expired = baseline.entries.filter((entry) => entry.until !== undefined && entry.until < today);
  for (const finding of findings) {
    const entry = byFingerprint.get(finding.fingerprint);
    if (!entry) continue;
    used.add(entry.fingerprint);
    if (entry.until !== undefined && entry.until < today) continue;
    const scope = entry.scope && entry.scope.length > 0 ? pathPatterns(entry.scope) : undefined;
    for (const occurrence of finding.occurrences) {
      if (!scope || matchesReportedPath(scope, occurrence.provenance.path)) {
        occurrence.baselined = { reason: entry.reason ?? 'accepted in the baseline' };
      }
    }
    finding.suppressed = finding.occurrences.every(isSuppressed);
  }
  return { unused: baseline.entries.filter((entry) => !used.has(entry.fingerprint)), expired };
}

/** YYYY-MM-DD naming a day that exists: `Date.parse` takes 2027-02-30 for 2027-03-02. */
export function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}
