/**
 * Wires one scan: batches the items a source yields, runs them through the worker pool, and collects
 * matches and counters. Knows nothing of findings or output; `findings/` groups what comes back.
 * Sources name each item with an id; `provenanceOf` turns an id back into where the bytes came from
 * (one file, or every path and commit a git blob appears under).
 */
import type { RuleMatcherSpec } from '../ruleset/rule.js';
import type { Provenance } from '../sources/provenance.js';
import type { ScanStats, SkippedInput } from './scan-stats.js';
import { WorkerPool } from './worker-pool.js';
import type { ScanItem } from '../sources/scan-item.js';
import type { ItemOutcome, LocatedMatch } from './worker-protocol.js';

/**
 * Items per batch: enough to amortise the message to a worker, few enough that the last batches do not
 * leave one core idle while another finishes a long list. Bytes in memory are batched by size too.
 */
const BATCH_ITEMS = 24;
const BATCH_BYTES = 4 * 1024 * 1024;

export interface ScanInput {
  /** Streamed: workers start on the first batch while the source is still listing. */
  items: AsyncIterable<ScanItem> | Iterable<ScanItem>;
  /** Entries the source decided not to read (symlinks...); read after `items` is exhausted. */
  skipped: readonly SkippedInput[];
  /** Where an item's bytes came from; an item seen in several places gives several. */
  provenanceOf: (id: string) => Provenance[];
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

export async function scanItems(input: ScanInput, options: ScanOptions): Promise<ScanOutput> {
  const startedAt = performance.now();
  const pool = new WorkerPool({ rules: options.rules, ...(options.threads ? { threads: options.threads } : {}) });
  const matches: MatchAt[] = [];
  const stats: ScanStats = { filesScanned: 0, bytesScanned: 0, skipped: [], durationMs: 0 };
  const record = (outcomes: ItemOutcome[]) => {
    for (const outcome of outcomes) {
      if (outcome.kind === 'skipped') {
        stats.skipped.push({ path: outcome.id, reason: outcome.reason, ...(outcome.detail ? { detail: outcome.detail } : {}) });
        continue;
      }
      stats.filesScanned++;
      stats.bytesScanned += outcome.bytes;
      if (outcome.matches.length === 0) continue;
      for (const provenance of input.provenanceOf(outcome.id)) {
        for (const match of outcome.matches) matches.push({ match, provenance });
      }
    }
  };
  try {
    const pending: Promise<void>[] = [];
    let batch: ScanItem[] = [];
    let batchBytes = 0;
    for await (const item of input.items) {
      batch.push(item);
      if (item.kind === 'bytes') batchBytes += item.bytes.length;
      if (batch.length === BATCH_ITEMS || batchBytes >= BATCH_BYTES) {
        pending.push(pool.scanBatch({ items: batch }).then(record));
        batch = [];
        batchBytes = 0;
      }
    }
    if (batch.length > 0) pending.push(pool.scanBatch({ items: batch }).then(record));
    await Promise.all(pending);
  } finally {
    await pool.close();
  }
  stats.skipped.push(...input.skipped);
  stats.skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  stats.durationMs = performance.now() - startedAt;
  return { matches, stats };
}
