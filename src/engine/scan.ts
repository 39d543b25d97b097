/**
 * Wires one scan: batches the items a source yields, runs them through the worker pool, and collects
 * matches and counters. Knows nothing of findings or output; `findings/` groups what comes back.
 * Sources name each item with an id; `provenanceOf` turns an id back into where the bytes came from
 * (one file, or every path and commit a git blob appears under).
 */
import { readFileSync, statSync } from 'node:fs';
import { compileRuleset } from '../ruleset/compile-rules.js';
import type { ValidatorSettings } from '../detectors/validators/validator.js';
import type { RuleMatcherSpec } from '../ruleset/rule.js';
import type { Provenance } from '../sources/provenance.js';
import { CHUNK_BYTES, OVERLAP_BYTES, scanBytes, scanFile, scanStream } from './chunked-scan.js';
import type { ScanStats, SkippedInput } from './scan-stats.js';
import { isItemList, openablePath, type ScanItem, type ScanItems, type StreamInput } from '../sources/scan-item.js';
import type { EntrySkip, ItemOutcome, LocatedMatch, RuleLimit } from './worker-protocol.js';
import { InFlightBatches } from './in-flight-batches.js';

/**
 * Items per batch: enough that a worker seldom waits between batches for the main thread to hand it the
 * next one (measured: a worker finishing a batch of 24 small files every few milliseconds spent a fifth
 * of its time waiting; 192 removes that), few enough that the last batches do not leave one core idle
 * while another finishes a long list. Bytes in memory are batched by size too.
 */
const BATCH_ITEMS = 192;
const BATCH_BYTES = 4 * 1024 * 1024;
/**
 * The most an in-process scan takes on (see `ScanOptions.inProcess`): about what one thread scans in the
 * time the pool needs to start and compile every rule. Past either limit the pool takes over.
 */
const IN_PROCESS_MAX_ITEMS = 2000;
const IN_PROCESS_MAX_BYTES = 8 * 1024 * 1024;

export interface ScanInput {
  /** Streamed: workers start on the first batch while the source is still listing. */
  items: ScanItems;
  /** Entries the source decided not to read (symlinks...); read after `items` is exhausted. */
  skipped: readonly SkippedInput[];
  /**
   * Where an item's bytes came from; an item seen in several places gives several. The item itself is
   * given too (not for a stream), so a source can carry what it knows in the item instead of keeping a
   * map of every item it listed.
   */
  provenanceOf: (id: string, item?: ScanItem) => Provenance[];
  /** The source expects a small input (a commit's staged files): as `ScanOptions.inProcess`, unless the options say otherwise. */
  inProcess?: boolean;
  /** A stream only this thread can read (stdin), scanned here as it arrives, besides any items. */
  stream?: StreamInput;
  /** Called once, when the first match comes back: a source can start what only findings need (git's commit log) while the scan goes on. */
  onFirstMatch?: () => void;
}

export interface MatchAt {
  match: LocatedMatch;
  provenance: Provenance;
}

export interface ScanOutput {
  matches: MatchAt[];
  stats: ScanStats;
  /**
   * Resolves once the worker threads, and the git processes they read blobs through, have ended. They end
   * while the caller groups and reports the findings (a few tens of milliseconds that the report need not
   * wait for); the caller awaits this before it is done.
   */
  threadsEnded: Promise<void>;
}

export interface ScanOptions {
  rules: RuleMatcherSpec[];
  threads?: number;
  /**
   * Scan in this thread, without the worker pool, when the input turns out small (at most
   * IN_PROCESS_MAX_ITEMS items and IN_PROCESS_MAX_BYTES): no threads to start and no rules compiled
   * twice over, and regexes compile lazily, so a commit wakes only the few rules its keywords call up.
   * Matches are the same as the pool's. A larger input is handed to the pool, items already taken first.
   */
  inProcess?: boolean;
  /** Levels of encoded text (base64, percent, hex, \u escapes) to look inside; 0 (none) by default. */
  decodeDepth?: number;
  /** Levels of archives (zip, jar, tar) to unpack; `DEFAULT_ARCHIVE_DEPTH` by default. */
  archiveDepth?: number;
  /** The project's thresholds (`.sprawl.yml`), for validators that judge by them. */
  settings?: ValidatorSettings;
}

/** What every compiled ruleset of this scan needs besides the rules, in this thread or in a worker. */
function rulesetOptionsOf(options: ScanOptions): { decodeDepth?: number; archiveDepth?: number; settings?: ValidatorSettings } {
  return {
    ...(options.decodeDepth !== undefined ? { decodeDepth: options.decodeDepth } : {}),
    ...(options.archiveDepth !== undefined ? { archiveDepth: options.archiveDepth } : {}),
    ...(options.settings !== undefined ? { settings: options.settings } : {}),
  };
}

export async function scanItems(input: ScanInput, options: ScanOptions): Promise<ScanOutput> {
  const startedAt = performance.now();
  const matches: MatchAt[] = [];
  const stats: ScanStats = { filesScanned: 0, bytesScanned: 0, bytesCarriedOver: 0, skipped: [], durationMs: 0 };
  /** Outcomes come back in the order of their items (`items`: the batch, where there is one). */
  const record = (outcomes: ItemOutcome[], items: readonly ScanItem[] = []) => {
    outcomes.forEach((outcome, index) => {
      const item = items[index]?.id === outcome.id ? items[index] : undefined;
      if (outcome.kind === 'skipped') {
        const path = input.provenanceOf(outcome.id, item)[0]?.path ?? outcome.id;
        stats.skipped.push({ path, reason: outcome.reason, ...(outcome.detail ? { detail: outcome.detail } : {}) });
        return;
      }
      stats.filesScanned++;
      stats.bytesScanned += outcome.bytes;
      stats.bytesCarriedOver += outcome.carriedBytes ?? 0;
      if (outcome.limits) recordLimits(outcome.id, input.provenanceOf(outcome.id, item)[0]?.path ?? outcome.id, outcome.limits, stats);
      if (outcome.entrySkips || outcome.binaryEntries) recordEntrySkips(input.provenanceOf(outcome.id, item)[0]?.path ?? outcome.id, outcome, stats);
      if (outcome.matches.length === 0) return;
      if (matches.length === 0) input.onFirstMatch?.();
      for (const provenance of input.provenanceOf(outcome.id, item)) {
        for (const match of outcome.matches) matches.push({ match, provenance });
      }
    });
  };
  if (input.stream) record([await scanStream(input.stream.id, input.stream.stream, compileRuleset(options.rules, rulesetOptionsOf(options)))]);
  let threadsEnded = Promise.resolve();
  if (options.inProcess ?? input.inProcess ?? false) {
    const taken = await takeSmallInput(input.items);
    if (taken.rest === undefined) record(scanInThisThread(taken.items, options), taken.items.map(({ item }) => item));
    else ({ threadsEnded } = await scanInPool(taken.rest, options, record));
  } else {
    ({ threadsEnded } = await scanInPool(input.items, options, record));
  }
  stats.skipped.push(...input.skipped);
  stats.skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  stats.durationMs = performance.now() - startedAt;
  return { matches, stats, threadsEnded };
}

/**
 * An archive's files that were not scanned: each named by the archive's path and its own, `!`-joined; its
 * binary files counted in one entry, `archive!*`.
 */
function recordEntrySkips(path: string, { entrySkips, binaryEntries }: { entrySkips?: readonly EntrySkip[]; binaryEntries?: number }, stats: ScanStats): void {
  for (const { entry, reason, detail } of entrySkips ?? []) stats.skipped.push({ path: `${path}!${entry}`, reason, ...(detail ? { detail } : {}) });
  if (binaryEntries) {
    // `app.jar!*`: the files inside, not the archive, which was scanned.
    const files = binaryEntries === 1 ? '1 file' : `${binaryEntries} files`;
    stats.skipped.push({ path: `${path}!*`, reason: 'binary', detail: `${files} inside the archive`, ...(binaryEntries > 1 ? { count: binaryEntries } : {}) });
  }
}

/** An input scanned in part (see match-limit.ts): one entry per bound reached, naming its rules. */
function recordLimits(id: string, path: string, limits: readonly RuleLimit[], stats: ScanStats): void {
  // In a history, one path has many versions: the blob tells them apart.
  const version = path === id ? '' : ` in ${id.slice(0, 12)}`;
  for (const bound of ['values', 'matches'] as const) {
    const rules = limits.filter((limit) => limit.bound === bound).map((limit) => limit.ruleId);
    if (rules.length > 0) stats.skipped.push({ path, reason: bound === 'values' ? 'value-limit' : 'match-limit', detail: `${rules.join(', ')}${version}` });
  }
  if (limits.some((limit) => limit.bound === 'decoding')) stats.skipped.push({ path, reason: 'decode-limit', ...(version ? { detail: version.trim() } : {}) });
}

/**
 * How much the main thread may hand out before the workers catch up: bytes it holds (commit messages,
 * staged files, stdin) and batches of items (see in-flight-batches.ts).
 */
const MAX_IN_FLIGHT_BYTES = 32 * 1024 * 1024;
const MAX_IN_FLIGHT_BATCHES_PER_THREAD = 8;

async function scanInPool(
  items: ScanItems,
  options: ScanOptions,
  record: (outcomes: ItemOutcome[], items: readonly ScanItem[]) => void,
): Promise<Pick<ScanOutput, 'threadsEnded'>> {
  // Loaded here, not at the top: an in-process scan never starts the pool, nor loads piscina.
  const { WorkerPool, takeStartedPool } = await import('./worker-pool.js');
  const pool = takeStartedPool(options.threads) ?? new WorkerPool({ ...(options.threads ? { threads: options.threads } : {}) });
  pool.configure({ rules: options.rules, ...rulesetOptionsOf(options) });
  const inFlight = new InFlightBatches(pool.threads * MAX_IN_FLIGHT_BATCHES_PER_THREAD, MAX_IN_FLIGHT_BYTES);
  const send = async (batch: ScanItem[], bytes: number) => {
    await inFlight.room(bytes);
    inFlight.add(pool.scanBatch({ items: batch }).then((outcomes) => record(outcomes, batch)), bytes);
  };
  try {
    let batch: ScanItem[] = [];
    let batchBytes = 0;
    for await (const listed of items) {
      for (const item of isItemList(listed) ? listed : [listed]) {
        batch.push(item);
        if (item.kind === 'bytes') batchBytes += item.bytes.length;
        if (batch.length === BATCH_ITEMS || batchBytes >= BATCH_BYTES) {
          await send(batch, batchBytes);
          batch = [];
          batchBytes = 0;
        }
      }
    }
    if (batch.length > 0) await send(batch, batchBytes);
    await inFlight.drain();
  } catch (error) {
    await pool.close();
    throw error;
  }
  return { threadsEnded: pool.close() };
}

/** An item taken for an in-process scan, with its bytes (a file's are read once, here). */
interface TakenItem {
  item: ScanItem;
  /** Undefined for a file that is not a regular file or cannot be read (`scanFile` reports why); null for one too large. */
  bytes: Uint8Array | null | undefined;
}

/**
 * Takes items while the input stays within the in-process limits. `rest` is undefined when the whole
 * input was taken; otherwise it yields the taken items, then the rest of the input, for the pool.
 */
async function takeSmallInput(items: ScanItems): Promise<{ items: TakenItem[]; rest?: AsyncIterable<ScanItem> }> {
  const iterator = oneByOne(items)[Symbol.asyncIterator]();
  const taken: TakenItem[] = [];
  let takenBytes = 0;
  for (;;) {
    const next = await iterator.next();
    if (next.done) return { items: taken };
    const item = next.value;
    // A compressed file or a git blob is left to the pool (null: as if too large), which reads it as a stream.
    const bytes = item.kind === 'bytes' ? item.bytes : item.kind === 'git-blob' || item.compression ? null : readSmallFile(openablePath(item), IN_PROCESS_MAX_BYTES - takenBytes);
    taken.push({ item, bytes });
    takenBytes += bytes?.length ?? 0;
    if (taken.length > IN_PROCESS_MAX_ITEMS || takenBytes > IN_PROCESS_MAX_BYTES || bytes === null) {
      const rest = async function* (): AsyncIterable<ScanItem> {
        for (const { item: first } of taken) yield first;
        for (let more = await iterator.next(); !more.done; more = await iterator.next()) yield more.value;
      };
      return { items: taken, rest: rest() };
    }
  }
}

/** The items one at a time (an in-process scan is small: a commit's staged files). */
async function* oneByOne(items: ScanItems): AsyncIterable<ScanItem> {
  for await (const listed of items) {
    if (isItemList(listed)) yield* listed;
    else yield listed;
  }
}

/** A regular file's bytes; `null` when it is larger than `limit`; undefined when it is not a readable regular file. */
function readSmallFile(absolutePath: string | Buffer, limit: number): Buffer | null | undefined {
  try {
    const stats = statSync(absolutePath);
    if (!stats.isFile()) return undefined;
    if (stats.size > limit) return null;
    return readFileSync(absolutePath);
  } catch {
    return undefined;
  }
}

function scanInThisThread(taken: readonly TakenItem[], options: ScanOptions): ItemOutcome[] {
  // Regexes compile on first use (see compile-rules.ts), so only the rules the input calls up cost time.
  const ruleset = compileRuleset(options.rules, rulesetOptionsOf(options));
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES + OVERLAP_BYTES);
  return taken.map(({ item, bytes }) =>
    item.kind === 'file' && bytes === undefined ? scanFile(item.id, openablePath(item), ruleset, buffer) : scanBytes(item.id, bytes!, ruleset, buffer),
  );
}
