/**
 * Counters for one scan, including everything that was not scanned and why. Nothing is skipped silently:
 * these counts reach the text summary, the JSON report and SARIF `toolExecutionNotifications`.
 */
import { MAX_MATCHES_PER_RULE, MAX_VALUES_PER_RULE } from './match-limit.js';
import { MAX_DECODED_KIB_PER_CHUNK, MAX_ENCODED_RUNS_PER_CHUNK } from '../detectors/encoded-text.js';

/** Why an input was not (fully) scanned. */
export type SkipReason = 'binary' | 'symlink' | 'unreadable' | 'worker-crash' | 'special-file' | 'lfs-pointer' | 'submodule' | 'shallow-history' | 'not-downloaded' | 'value-limit' | 'match-limit' | 'decode-limit';

/** `10,000`, written by hand: `toLocaleString` loads the locale data, 12-45 ms of every run's start. */
const withCommas = (count: number) => String(count).replace(/\B(?=(\d{3})+$)/g, ',');

export const SKIP_REASON_TEXT: Readonly<Record<SkipReason, string>> = {
  binary: 'binary content (NUL bytes), not scanned',
  symlink: 'symbolic link, not followed',
  unreadable: 'could not be read',
  'worker-crash': 'the scanner crashed on it twice',
  'special-file': 'not a regular file (socket, FIFO, device)',
  'lfs-pointer': 'a Git LFS pointer: the content lives on the LFS server, not in the repository',
  submodule: 'a submodule: scan its own repository',
  'shallow-history': 'history not visible',
  'not-downloaded': 'not downloaded by a partial clone (fetch them, or clone without --filter, to scan them)',
  'value-limit': `more than ${withCommas(MAX_VALUES_PER_RULE)} different values of one rule (a credential dump): the first ${withCommas(MAX_VALUES_PER_RULE)} are reported, and the rest was not searched for that rule`,
  'decode-limit': `more encoded text (base64, hex, percent) than is decoded per MiB (${withCommas(MAX_ENCODED_RUNS_PER_CHUNK)} runs, ${MAX_DECODED_KIB_PER_CHUNK} KiB): past it, runs were searched as they are, not decoded`,
  'match-limit': `more than ${withCommas(MAX_MATCHES_PER_RULE)} matches of one rule (a log that repeats a credential): past them, only values not met before in it are reported`,
};

/** Inputs read to their end, some rules stopped or thinned on the way (see match-limit.ts). */
export function isScannedInPart(reason: SkipReason): boolean {
  return reason === 'value-limit' || reason === 'match-limit' || reason === 'decode-limit';
}

/**
 * Inputs the user would not expect to be left out, or cut short: named one by one in the text report and
 * warnings in SARIF. The rest (binary files, links, LFS pointers…) are counted and noted.
 */
export function isUnexpectedSkip(reason: SkipReason): boolean {
  return reason === 'unreadable' || reason === 'worker-crash' || reason === 'not-downloaded' || isScannedInPart(reason);
}

export interface SkippedInput {
  path: string;
  reason: SkipReason;
  /** The underlying error, such as `EACCES`; never contains file contents. */
  detail?: string;
  /**
   * How many inputs this entry stands for, when more than one: the binary files inside an archive are
   * counted in one entry per archive (a jar holds thousands of class files), not listed one by one.
   */
  count?: number;
}

export interface ScanStats {
  filesScanned: number;
  bytesScanned: number;
  /** Of `bytesScanned`, bytes of a file's version that were the same in the version before, whose matches were carried over, not scanned again. */
  bytesCarriedOver: number;
  skipped: SkippedInput[];
  durationMs: number;
}

export function countSkipsByReason(skipped: readonly SkippedInput[]): Partial<Record<SkipReason, number>> {
  const counts: Partial<Record<SkipReason, number>> = {};
  for (const entry of skipped) counts[entry.reason] = (counts[entry.reason] ?? 0) + (entry.count ?? 1);
  return counts;
}
