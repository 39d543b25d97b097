/**
 * Worker-thread entry (run by piscina from `worker-pool.ts`). Compiles the rules once per thread (the
 * first task brings them), then scans the items of each task: files are read here, git blobs through
 * this thread's own `git cat-file --batch` (their bytes never cross threads either), bytes only the main
 * thread has (a commit message, stdin) arrive in the task, and only matches go back.
 */
import { compileRuleset, type CompiledRuleset } from '../ruleset/compile-rules.js';
import { CatFileSession } from '../sources/git-cat-file.js';
import type { ScanItem } from '../sources/scan-item.js';
import { CHUNK_BYTES, OVERLAP_BYTES, scanBytes, scanFile, scanGitBlob, scanGzipFile } from './chunked-scan.js';
import { primeDetector } from './prime-detector.js';
import type { ItemOutcome, ScanTask, ScanTaskResult, WorkerSetup } from './worker-protocol.js';

/** The rules of the scan this thread works for, compiled on its first task (see `ScanTask.setup`). */
let ruleset: CompiledRuleset;
let rulesetSetupId = 0;

function useSetup(shared: NonNullable<ScanTask['setup']>): void {
  if (shared.setupId === rulesetSetupId) return;
  const setup = JSON.parse(Buffer.from(shared.json).toString('utf8')) as WorkerSetup;
  if (rulesetSetupId === 0) primeDetector();
  ruleset = compileRuleset(setup.rules, {
    ...(setup.decodeDepth !== undefined ? { decodeDepth: setup.decodeDepth } : {}),
    ...(setup.settings !== undefined ? { settings: setup.settings } : {}),
  });
  rulesetSetupId = shared.setupId;
}
/** One read buffer per thread, reused for every chunk of every file. */
const buffer = Buffer.allocUnsafe(CHUNK_BYTES + OVERLAP_BYTES);

/**
 * Fault injection for the crash-recovery test: a worker given a path containing this string dies, as a
 * native crash or an out-of-memory kill would take it down. Unset in normal use.
 */
const crashOnPath = process.env.SPRAWL_TEST_CRASH_ON_PATH;

export default async function scanTask(task: ScanTask): Promise<ScanTaskResult> {
  if (task.release) return release(task.release);
  if (crashOnPath && task.items.some((item) => item.id.includes(crashOnPath))) process.exit(70);
  useSetup(task.setup!);
  // Ask git for every blob of the batch at once, one write per repository; they are then read in order.
  const blobIds = new Map<string, string[]>();
  for (const item of task.items) if (item.kind === 'git-blob') blobIds.set(item.repository, [...(blobIds.get(item.repository) ?? []), item.id]);
  for (const [repository, ids] of blobIds) catFileFor(repository).request(ids);
  const outcomes: ItemOutcome[] = [];
  for (const item of task.items) {
    if (item.kind === 'bytes') outcomes.push(scanBytes(item.id, item.bytes, ruleset, buffer));
    else if (item.kind === 'git-blob') outcomes.push(await scanBlob(item));
    else if (item.compression === 'gzip') outcomes.push(await scanGzipFile(item.id, item.absolutePath, ruleset, buffer));
    else outcomes.push(scanFile(item.id, item.absolutePath, ruleset, buffer));
  }
  // A git that failed is replaced for the next batch.
  for (const [repository, session] of catFiles) if (session.brokenBy !== undefined) catFiles.delete(repository);
  return { outcomes };
}

/** This thread's `git cat-file --batch`, one per repository, kept for the thread's life. */
const catFiles = new Map<string, CatFileSession>();

function catFileFor(repository: string): CatFileSession {
  let session = catFiles.get(repository);
  if (!session) {
    session = new CatFileSession(repository);
    catFiles.set(repository, session);
  }
  return session;
}

/** Ends this thread's git processes before the pool stops the thread (see `ScanTask.release`). */
async function release({ counter, workers }: NonNullable<ScanTask['release']>): Promise<ScanTaskResult> {
  await Promise.all([...catFiles.values()].map((session) => session.closeAndWait()));
  catFiles.clear();
  const taken = new Int32Array(counter);
  Atomics.add(taken, 0, 1);
  Atomics.notify(taken, 0);
  const deadline = Date.now() + 1000;
  for (let seen = Atomics.load(taken, 0); seen < workers && Date.now() < deadline; seen = Atomics.load(taken, 0)) Atomics.wait(taken, 0, seen, 100);
  return { outcomes: [] };
}

/** After git failed on one blob of a batch, the rest of the batch from that repository is unreadable too. */
async function scanBlob(item: Extract<ScanItem, { kind: 'git-blob' }>): Promise<ItemOutcome> {
  const session = catFileFor(item.repository);
  if (session.brokenBy !== undefined) return { id: item.id, kind: 'skipped', reason: 'unreadable', detail: session.brokenBy };
  // A turn of the event loop first: git's output waiting in the pipe is read into memory, so git goes
  // on decompressing the next blobs while this one is scanned, instead of stopping at a full pipe.
  await new Promise((resolve) => setImmediate(resolve));
  return scanGitBlob(item, session, ruleset, buffer);
}
