/**
 * Counters for one scan, including everything that was not scanned and why. Nothing is skipped silently:
 * these counts reach the text summary, the JSON report and SARIF `toolExecutionNotifications`.
 */
import { MAX_MATCHES_PER_RULE } from './match-limit.js';

/** Why an input was not (fully) scanned. */
export type SkipReason = 'binary' | 'symlink' | 'unreadable' | 'worker-crash' | 'special-file' | 'lfs-pointer' | 'submodule' | 'shallow-history' | 'match-limit';

/** `10,000`, written by hand: `toLocaleString` loads the locale data, 12-45 ms of every run's start. */
const LIMIT = String(MAX_MATCHES_PER_RULE).replace(/\B(?=(\d{3})+$)/g, ',');

export const SKIP_REASON_TEXT: Readonly<Record<SkipReason, string>> = {
  binary: 'binary content (NUL bytes), not scanned',
  symlink: 'symbolic link, not followed',
  unreadable: 'could not be read',
  'worker-crash': 'the scanner crashed on it twice',
  'special-file': 'not a regular file (socket, FIFO, device)',
  'lfs-pointer': 'a Git LFS pointer: the content lives on the LFS server, not in the repository',
  submodule: 'a submodule: scan its own repository',
  'shallow-history': 'history not visible',
  'match-limit': `more than ${LIMIT} matches of one rule (a credential dump, or a log that repeats one): the first ${LIMIT} are reported, and the rest was not searched for that rule`,
};

export interface SkippedInput {
  path: string;
  reason: SkipReason;
  /** The underlying error, such as `EACCES`; never contains file contents. */
  detail?: string;
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
  for (const entry of skipped) counts[entry.reason] = (counts[entry.reason] ?? 0) + 1;
  return counts;
}
