/**
 * The pool of worker threads (piscina) that scan files. The main thread only hands out batches of paths.
 * A batch whose worker dies (a crash, or running out of its memory limit) is not lost: each of its files
 * is retried once on its own, and a file that fails again is reported as skipped with the reason.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { ValidatorSettings } from '../detectors/validators/validator.js';
import type { RuleMatcherSpec } from '../ruleset/rule.js';
import type { ScanItem } from '../sources/scan-item.js';
import type { ItemOutcome, ScanTask, ScanTaskResult, WorkerSetup } from './worker-protocol.js';

/** Memory cap per worker thread; a file that needs more fails alone instead of taking the process down. */
const WORKER_HEAP_MB = 256;

export interface WorkerPoolOptions {
  rules: RuleMatcherSpec[];
  /** Threads to use; defaults to the available cores. */
  threads?: number;
  decodeDepth?: number;
  settings?: ValidatorSettings;
}

export class WorkerPool {
  private readonly piscina: Piscina;
  readonly threads: number;

  constructor(options: WorkerPoolOptions) {
    const threads = Math.max(1, options.threads ?? availableParallelism());
    this.threads = threads;
    const setup: WorkerSetup = {
      rules: options.rules,
      ...(options.decodeDepth !== undefined ? { decodeDepth: options.decodeDepth } : {}),
      ...(options.settings !== undefined ? { settings: options.settings } : {}),
    };
    this.piscina = new Piscina({
      filename: workerEntryPath(),
      workerData: setup,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 60_000,
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
  }

  private gitBlobsSent = false;

  /** Scans one batch; never rejects: a crashed batch is retried file by file, then marked skipped. */
  async scanBatch(task: ScanTask): Promise<ItemOutcome[]> {
    if (task.items.some((item) => item.kind === 'git-blob')) this.gitBlobsSent = true;
    try {
      return ((await this.piscina.run(task)) as ScanTaskResult).outcomes;
    } catch {
      return Promise.all(task.items.map((item) => this.scanAloneWithRetry(item)));
    }
  }

  private async scanAloneWithRetry(item: ScanItem): Promise<ItemOutcome> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const result = (await this.piscina.run({ items: [item] })) as ScanTaskResult;
        return result.outcomes[0]!;
      } catch (error) {
        lastError = error;
      }
    }
    return { id: item.id, kind: 'skipped', reason: 'worker-crash', detail: describeError(lastError) };
  }

  async close(): Promise<void> {
    if (this.gitBlobsSent) {
      // Workers keep a git process open for the blobs they read: end those before the threads stop.
      const counter = new SharedArrayBuffer(4);
      const release = { items: [], release: { counter, workers: this.threads } };
      await Promise.all(Array.from({ length: this.threads }, () => this.piscina.run(release).catch(() => undefined)));
    }
    await this.piscina.destroy();
  }
}

/**
 * The compiled worker entry. Under vitest this module runs from `src/` as TypeScript, which a worker
 * thread cannot load, so the built copy in `dist/` is used (the test command builds first).
 */
function workerEntryPath(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) return fileURLToPath(new URL('../../dist/engine/worker.js', import.meta.url));
  return fileURLToPath(new URL('./worker.js', import.meta.url));
}

function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.slice(0, 200);
}
