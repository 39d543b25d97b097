/**
 * `sprawl baseline create|prune` and `sprawl ignore`: write and maintain the baseline file
 * (`findings/baseline.ts`), atomically, never touching anything else the user has.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { SprawlConfig } from '../../config/load-config.js';
import { baselineFromFindings, isCalendarDate, readBaseline, serialiseBaseline, type Baseline } from '../../findings/baseline.js';
import { importTriage } from '../../findings/import-baseline.js';
import { listHistory } from '../../sources/git-history.js';
import { stdinSource } from '../../sources/stdin.js';
import { listWorkingTree } from '../../sources/working-tree.js';
import { UserError } from '../../user-error.js';
import { EXIT } from '../exit-codes.js';
import { scanForFindings, type ScanCommandOptions, type ScanResult } from '../scan-pipeline.js';
import { writeOutput } from '../write-output.js';

export const DEFAULT_BASELINE_FILE = '.sprawl-baseline.json';

export type BaselineCommandOptions = ScanCommandOptions & { git?: boolean };

/**
 * The baseline a command writes or prunes: the one named (`--output`, `--baseline`), else the one the
 * project's config names (the file `sprawl scan` of that path reads), else `.sprawl-baseline.json` at the
 * root of what was scanned, whatever the current directory.
 */
function baselineFileFor(result: ScanResult & { config: SprawlConfig }, named: string | undefined): string {
  return named ?? result.config.baseline ?? path.join(result.root, DEFAULT_BASELINE_FILE);
}

export async function runBaselineCreate(scanPath: string, options: BaselineCommandOptions): Promise<number> {
  const scanned = await scanForBaseline(scanPath, options);
  const { findings } = scanned;
  const file = baselineFileFor(scanned, options.output ?? options.baseline);
  const previous = existsSync(file) ? readBaseline(file) : undefined;
  const baseline = baselineFromFindings(findings.filter((finding) => !finding.suppressed), previous);
  writeOutput(serialiseBaseline(baseline), file);
  process.stderr.write(`sprawl: ${file}: ${baseline.entries.length} finding${baseline.entries.length === 1 ? '' : 's'} accepted\n`);
  return EXIT.clean;
}

export async function runBaselinePrune(scanPath: string, options: BaselineCommandOptions): Promise<number> {
  const scanned = await scanForBaseline(scanPath, options);
  const { findings } = scanned;
  const file = baselineFileFor(scanned, options.baseline);
  const baseline = readBaseline(file);
  const found = new Set<string>(findings.map((finding) => finding.fingerprint));
  const kept = baseline.entries.filter((entry) => found.has(entry.fingerprint));
  writeOutput(serialiseBaseline({ ...baseline, entries: kept }), file);
  process.stderr.write(`sprawl: ${file}: ${baseline.entries.length - kept.length} unused entr${baseline.entries.length - kept.length === 1 ? 'y' : 'ies'} dropped, ${kept.length} kept\n`);
  return EXIT.clean;
}

/** `sprawl baseline import FILE [PATH]`: another scanner's accepted findings, re-found and baselined. */
export async function runBaselineImport(importFile: string, scanPath: string, options: BaselineCommandOptions): Promise<number> {
  const scanned = await scanForBaseline(scanPath, options);
  const { findings } = scanned;
  const file = baselineFileFor(scanned, options.output ?? options.baseline);
  const previous = existsSync(file) ? readBaseline(file) : undefined;
  const { accepted, unmapped } = importTriage(importFile, findings);
  const imported = baselineFromFindings(findings.filter((finding) => accepted.has(finding.fingerprint)));
  const byFingerprint = new Map((previous?.entries ?? []).map((entry) => [entry.fingerprint, entry]));
  for (const entry of imported.entries) {
    byFingerprint.set(entry.fingerprint, { ...entry, ...byFingerprint.get(entry.fingerprint), reason: byFingerprint.get(entry.fingerprint)?.reason ?? accepted.get(entry.fingerprint)! });
  }
  writeOutput(serialiseBaseline({ version: 1, entries: [...byFingerprint.values()] }), file);
  for (const line of unmapped) process.stderr.write(`sprawl: not imported: ${line}\n`);
  process.stderr.write(`sprawl: ${file}: ${imported.entries.length} finding${imported.entries.length === 1 ? '' : 's'} imported from ${importFile}, ${unmapped.length} entr${unmapped.length === 1 ? 'y' : 'ies'} not mapped\n`);
  return EXIT.clean;
}

export interface IgnoreCommandOptions {
  reason: string;
  expires?: string;
  by?: string;
  baseline: string;
}

export function runIgnore(fingerprint: string, options: IgnoreCommandOptions): number {
  if (!/^sprawl\/v1:[0-9a-f]{40}$/.test(fingerprint)) throw new UserError('usage', `${fingerprint}: not a sprawl/v1 fingerprint (copy it from a report)`);
  if (options.expires !== undefined && !isCalendarDate(options.expires)) {
    throw new UserError('usage', `--expires ${options.expires}: expected a date as YYYY-MM-DD`);
  }
  const baseline: Baseline = existsSync(options.baseline) ? readBaseline(options.baseline) : { version: 1, entries: [] };
  const others = baseline.entries.filter((entry) => entry.fingerprint !== fingerprint);
  const earlier = baseline.entries.find((entry) => entry.fingerprint === fingerprint);
  others.push({
    fingerprint,
    ...(earlier?.ruleId ? { ruleId: earlier.ruleId } : {}),
    seenAt: earlier?.seenAt ?? [],
    ...(earlier?.scope ? { scope: earlier.scope } : {}),
    reason: options.reason,
    ...(options.by ? { by: options.by } : {}),
    ...(options.expires ? { until: options.expires } : {}),
  });
  writeOutput(serialiseBaseline({ ...baseline, entries: others }), options.baseline);
  process.stderr.write(`sprawl: ${options.baseline}: ${fingerprint} accepted${options.expires ? ` until ${options.expires}` : ''}\n`);
  return EXIT.clean;
}

async function scanForBaseline(scanPath: string, options: BaselineCommandOptions & { stdinName?: string }): Promise<ScanResult & { config: SprawlConfig }> {
  if (scanPath === '-') return scanForFindings(stdinSource(options.stdinName ?? 'stdin'), options);
  if (options.git) return scanForFindings(await listHistory(scanPath, {}, { exclude: options.exclude ?? [], useIgnoreFiles: options.ignore }), options);
  return scanForFindings(listWorkingTree(scanPath, { exclude: options.exclude ?? [], useIgnoreFiles: options.ignore }), options);
}
