/**
 * Wires one scan: batches the listed files, runs them through the worker pool, and collects matches and
 * counters. Knows nothing of findings or output; `findings/` groups what comes back.
 */
import type { RuleMatcherSpec } from '../ruleset/rule.js';
import type { Provenance } from '../sources/provenance.js';
import type { FileEntry } from '../sources/working-tree.js';
import type { ScanStats, SkippedInput } from './scan-stats.js';
import { WorkerPool } from './worker-pool.js';
import type { LocatedMatch } from './worker-protocol.js';

/** A batch is at most this many files or bytes, whichever comes first: big enough to amortise messaging. */
const BATCH_MAX_FILES = 64;
const BATCH_MAX_BYTES = 8 * 1024 * 1024;

export interface ScanInput {
  files: readonly FileEntry[];
  /** Entries the source already decided not to read (symlinks...), carried into the stats. */
  skipped: readonly SkippedInput[];
}

export interface MatchAt {
  match: LocatedMatch;
  provenance: Provenance;
}

export interface ScanOutput {
  matches: MatchAt[];
  stats: ScanStats;
}

export interface ScanOptions {
  rules: RuleMatcherSpec[];
  threads?: number;
}

export async function scanFiles(input: ScanInput, options: ScanOptions): Promise<ScanOutput> {
  const startedAt = performance.now();
  const pool = new WorkerPool({ rules: options.rules, ...(options.threads ? { threads: options.threads } : {}) });
  const matches: MatchAt[] = [];
  const stats: ScanStats = { filesScanned: 0, bytesScanned: 0, skipped: [...input.skipped], durationMs: 0 };
  try {
    await Promise.all(
      batchFiles(input.files).map(async (batch) => {
        const outcomes = await pool.scanBatch({ files: batch.map(({ absolutePath, relativePath }) => ({ absolutePath, relativePath })) });
        for (const outcome of outcomes) {
          if (outcome.kind === 'skipped') {
            stats.skipped.push({ path: outcome.relativePath, reason: outcome.reason, ...(outcome.detail ? { detail: outcome.detail } : {}) });
            continue;
          }
          stats.filesScanned++;
          stats.bytesScanned += outcome.bytes;
          for (const match of outcome.matches) matches.push({ match, provenance: { kind: 'file', path: outcome.relativePath } });
        }
      }),
    );
  } finally {
    await pool.close();
  }
  stats.skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  stats.durationMs = performance.now() - startedAt;
  return { matches, stats };
}

function batchFiles(files: readonly FileEntry[]): FileEntry[][] {
  const batches: FileEntry[][] = [];
  let current: FileEntry[] = [];
  let currentBytes = 0;
  for (const file of files) {
    if (current.length > 0 && (current.length >= BATCH_MAX_FILES || currentBytes + file.sizeBytes > BATCH_MAX_BYTES)) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(file);
    currentBytes += file.sizeBytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
