/**
 * The pool of worker threads (piscina) that scan files. The main thread only hands out batches of paths.
 * A batch whose worker dies (a crash, or running out of its memory limit) is not lost: each of its files
 * is retried once on its own, and a file that fails again is reported as skipped with the reason.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type * as PiscinaLibrary from 'piscina';
import type { ScanItem } from '../sources/scan-item.js';
import type { ItemOutcome, ScanTask, ScanTaskResult, WorkerSetup } from './worker-protocol.js';

const require = createRequire(import.meta.url);

/**
 * piscina, loaded when a pool is first made. Loading it takes about 25 ms, which `sprawl staged` (a
 * commit's files are scanned in the main thread) would otherwise pay on every commit: the CLI bundle keeps
 * an import of a package outside it at its top, where it runs whatever the command.
 */
function piscinaLibrary(): typeof PiscinaLibrary {
  return require('piscina') as typeof PiscinaLibrary;
}

/** Memory cap per worker thread; a file that needs more fails alone instead of taking the process down. */
const WORKER_HEAP_MB = 256;
/**
 * The young generation of each worker's heap, where V8 puts new objects: a third of V8's default here.
 * With the default it grew through a long scan, so peak RSS rose from 141 MB on the 200 MB benchmark tree
 * to 180 MB on the 800 MB one (and stayed there at 1.6 GB); with 12 MB it is 164, and the scans are no
 * slower (the 800 MB tree 3.54 s against 3.78, the 200 MB tree and a 2,000-commit history even),
 * as the young objects stay in the processor's caches.
 */
const WORKER_YOUNG_GENERATION_MB = 12;

/** Threads to use; defaults to the available cores. */
export function threadCount(threads: number | undefined): number {
  return Math.max(1, threads ?? availableParallelism());
}

export class WorkerPool {
  private readonly piscina: PiscinaLibrary.Piscina;
  readonly threads: number;
  private setup: ScanTask['setup'];

  constructor(options: { threads?: number }) {
    const threads = threadCount(options.threads);
    this.threads = threads;
    this.piscina = new (piscinaLibrary().Piscina)({
      filename: workerEntryPath(),
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 60_000,
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    // A thread that fails outside any task (its modules do not load: a native addon missing after a failed
    // install) is reported by an 'error' event, which unheard would end the process with a stack trace.
    this.piscina.on('error', (error: unknown) => {
      this.startFailure ??= error;
    });
  }

  private startFailure: unknown;

  /**
   * The rules and settings of the scan: put in shared memory once, sent with every task. An empty task
   * per thread goes first, so each thread compiles them while the source is still listing, not when its
   * first batch arrives.
   */
  configure(setup: WorkerSetup): void {
    const json = Buffer.from(JSON.stringify(setup));
    const shared = new SharedArrayBuffer(json.length);
    json.copy(Buffer.from(shared));
    this.setup = { json: shared, setupId: nextSetupId++ };
    for (let thread = 0; thread < this.threads; thread++) void this.run({ items: [] }).catch(() => undefined);
  }

  /** Scans one batch; never rejects: a crashed batch is retried file by file, then marked skipped. */
  async scanBatch(task: ScanTask): Promise<ItemOutcome[]> {
    try {
      return (await this.run(task)).outcomes;
    } catch {
      if (this.startFailure !== undefined) throw this.cannotStart();
      return Promise.all(task.items.map((item) => this.scanAloneWithRetry(item)));
    }
  }

  private async run(task: ScanTask): Promise<ScanTaskResult> {
    if (!this.setup) throw new Error('the worker pool was given no rules (configure) before its first batch');
    return (await this.piscina.run({ ...task, setup: this.setup })) as ScanTaskResult;
  }

  /** Not an input's fault, so not a skipped input: the scan cannot run at all. */
  private cannotStart(): Error {
    return new Error(`the scanning threads could not start: ${describeError(this.startFailure)}`);
  }

  private async scanAloneWithRetry(item: ScanItem): Promise<ItemOutcome> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const result = await this.run({ items: [item] });
        return result.outcomes[0]!;
      } catch (error) {
        if (this.startFailure !== undefined) throw this.cannotStart();
        lastError = error;
      }
    }
    return { id: item.id, kind: 'skipped', reason: 'worker-crash', detail: describeError(lastError) };
  }

  /**
   * Every thread takes one release task (see `ScanTask.release`): it ends the thread's git processes, and
   * it runs only once the thread has loaded its modules. Node aborts the whole process (an assertion in
   * its module loader, a native stack on stderr) when a thread is stopped while it still loads them:
   * measured in 2 % of runs of a command that fails at once, such as `sprawl git --range` of a commit
   * that does not exist. Then the threads stop.
   */
  async close(): Promise<void> {
    const counter = new SharedArrayBuffer(4);
    const release = { items: [], release: { counter, workers: this.threads } };
    await Promise.all(Array.from({ length: this.threads }, () => this.piscina.run(release).catch(() => undefined)));
    await this.piscina.destroy();
  }
}

let nextSetupId = 1;

/**
 * A pool started at the beginning of a command, before its modules, configuration and rules are loaded:
 * the threads boot meanwhile (about 0.1 s each, on the core the main thread leaves idle while it loads)
 * and get the rules once `configure` has them. The scan takes it with `takeStartedPool`; a command that ends
 * before scanning (bad input) has it closed by `closeStartedPool`.
 */
let started: WorkerPool | undefined;

export function startWorkerPool(threads: number | undefined): void {
  started ??= new WorkerPool({ ...(threads !== undefined ? { threads } : {}) });
}

/** The pool `startWorkerPool` started, if it has as many threads as this scan wants; the caller owns it. */
export function takeStartedPool(threads: number | undefined): WorkerPool | undefined {
  const pool = started;
  if (!pool || pool.threads !== threadCount(threads)) return undefined;
  started = undefined;
  return pool;
}

export async function closeStartedPool(): Promise<void> {
  const pool = started;
  started = undefined;
  await pool?.close();
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
