/**
 * Wires one scan: batches the listed files, runs them through the worker pool, and collects matches and
 * counters. Knows nothing of findings or output; `findings/` groups what comes back.
 */
import type { RuleMatcherSpec } from '../ruleset/rule.js';
import type { Provenance } from '../sources/provenance.js';
import type { FileEntry } from '../sources/working-tree.js';
import type { ScanStats, SkippedInput } from './scan-stats.js';
import { WorkerPool } from './worker-pool.js';
import type { FileOutcome, LocatedMatch, ScanTask } from './worker-protocol.js';

/**
 * Files per batch: enough to amortise the message to a worker, few enough that the last batches do not
 * leave one core idle while another finishes a long list.
 */
const BATCH_FILES = 24;

export interface ScanInput {
  /** Streamed: workers start on the first batch while the source is still listing. */
  files: AsyncIterable<FileEntry> | Iterable<FileEntry>;
  /** Entries the source decided not to read (symlinks...); read after `files` is exhausted. */
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
  const stats: ScanStats = { filesScanned: 0, bytesScanned: 0, skipped: [], durationMs: 0 };
  const record = (outcomes: FileOutcome[]) => {
    for (const outcome of outcomes) {
      if (outcome.kind === 'skipped') {
        stats.skipped.push({ path: outcome.relativePath, reason: outcome.reason, ...(outcome.detail ? { detail: outcome.detail } : {}) });
        continue;
      }
      stats.filesScanned++;
      stats.bytesScanned += outcome.bytes;
      for (const match of outcome.matches) matches.push({ match, provenance: { kind: 'file', path: outcome.relativePath } });
    }
  };
  try {
    const pending: Promise<void>[] = [];
    let batch: ScanTask['files'] = [];
    for await (const { absolutePath, relativePath } of input.files) {
      batch.push({ absolutePath, relativePath });
      if (batch.length === BATCH_FILES) {
        pending.push(pool.scanBatch({ files: batch }).then(record));
        batch = [];
      }
    }
    if (batch.length > 0) pending.push(pool.scanBatch({ files: batch }).then(record));
    await Promise.all(pending);
  } finally {
    await pool.close();
  }
  stats.skipped.push(...input.skipped);
  stats.skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  stats.durationMs = performance.now() - startedAt;
  return { matches, stats };
}
