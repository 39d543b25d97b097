/**
 * What crosses the thread boundary between the main thread (`scan.ts`) and the workers (`worker.ts`):
 * plain, structured-cloneable data. Paths and blob ids go in (workers read files and git blobs
 * themselves), or bytes where only the main thread has them (a commit message, stdin); only matches and
 * counters come back, never contents.
 * A secret value crosses as a plain string and is wrapped in `Secret` again on arrival.
 */
import type { ValidatorSettings, ValidatorVerdict } from '../detectors/validators/validator.js';
import type { RuleMatcherSpec } from '../ruleset/rule.js';
import type { ScanItem } from '../sources/scan-item.js';
import type { SkipReason } from './scan-stats.js';

export interface WorkerSetup {
  rules: RuleMatcherSpec[];
  /** Levels of encoded text to look inside (`--decode`). */
  decodeDepth?: number;
  /** Levels of archives to unpack (`--archive-depth`). */
  archiveDepth?: number;
  /** The project's thresholds (`.sprawl.yml`). */
  settings?: ValidatorSettings;
}

export interface ScanTask {
  items: ScanItem[];
  /**
   * The `WorkerSetup` as JSON in shared memory, with every task (shared, not copied): each thread compiles
   * it on its first task, so the threads can start before the rules are even loaded (see
   * `startWorkerPool`). `setupId` tells one scan's setup from another's.
   */
  setup?: { json: SharedArrayBuffer; setupId: number };
  /**
   * Sent once to every worker when the pool closes, instead of items: end this thread's git processes.
   * Each worker waits until all have taken one (`counter` counts them), so that no worker takes two.
   */
  release?: { counter: SharedArrayBuffer; workers: number };
}

/** A match located in its file, with the line around it for a redactable snippet. */
export interface LocatedMatch {
  ruleId: string;
  secret: string;
  /** 1-based; columns count UTF-16 code units, SARIF's default `columnKind`. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  byteOffset: number;
  /** Up to ~80 characters of the line before and after the secret. */
  before: string;
  after: string;
  verdict?: Exclude<ValidatorVerdict, { kind: 'reject' }>;
  allowed?: { reason: string };
  /** Found inside encoded text: the decodings that led to it, outermost first. */
  decodedVia?: string[];
  /**
   * Found in a file inside an archive: its path there, `!`-joined through nested archives
   * (`WEB-INF/lib/app.jar!application.properties`). Line and column are the entry's own.
   */
  entry?: string;
}

/** A file inside an archive that was not scanned, and why (see archive-entries.ts). */
export interface EntrySkip {
  entry: string;
  reason: SkipReason;
  detail?: string;
}

/** A rule that reached a bound in one input: `values` (no longer searched there) or `matches` (only new values kept). */
export interface RuleLimit {
  /** The rule, or `decoding` for the bound on encoded text decoded per chunk. */
  ruleId: string;
  bound: 'values' | 'matches' | 'decoding';
}

export type ItemOutcome =
  | {
      id: string;
      kind: 'scanned';
      bytes: number;
      matches: LocatedMatch[];
      /** Bytes of `bytes` not scanned again: the same as in the version of the file before, whose matches were carried over (see changed-region.ts). */
      carriedBytes?: number;
      /** Rules that reached a bound of matches or values in this input (see match-limit.ts). */
      limits?: RuleLimit[];
      /** An archive's files that were not scanned (encrypted, past a bound), by their path in it. */
      entrySkips?: EntrySkip[];
      /** How many of an archive's files (nested archives' included) were binary, and not scanned. */
      binaryEntries?: number;
    }
  | { id: string; kind: 'skipped'; reason: SkipReason; detail?: string };

export interface ScanTaskResult {
  outcomes: ItemOutcome[];
}
