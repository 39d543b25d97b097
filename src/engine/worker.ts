/**
 * Worker-thread entry (run by piscina from `worker-pool.ts`). Compiles the rules once per thread (the
 * first task brings them), then scans the items of each task: files are read here, git blobs through
 * this thread's own `git cat-file --batch` (their bytes never cross threads either), bytes only the main
 * thread has (a commit message, stdin) arrive in the task, and only matches go back.
 */
import { compileRuleset, type CompiledRuleset } from '../ruleset/compile-rules.js';
import { CatFileSession } from '../sources/git-cat-file.js';
import { openablePath, type ScanItem } from '../sources/scan-item.js';
import { CHUNK_BYTES, OVERLAP_BYTES, scanBytes, scanFile, scanGitBlobs, scanGzipFile } from './chunked-scan.js';
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
    ...(setup.archiveDepth !== undefined ? { archiveDepth: setup.archiveDepth } : {}),
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
  // The git blobs of the batch are read per repository, all ids asked for at once; the rest are read here.
  const blobOutcomes = new Map<string, ItemOutcome>();
  for (const [repository, blobs] of gitBlobsByRepository(task.items)) {
    for (const outcome of await scanBlobs(repository, blobs)) blobOutcomes.set(outcome.id, outcome);
  }
  const outcomes: ItemOutcome[] = [];
  for (const item of task.items) {
    if (item.kind === 'git-blob') outcomes.push(blobOutcomes.get(item.id)!);
    else if (item.kind === 'bytes') outcomes.push(scanBytes(item.id, item.bytes, ruleset, buffer));
    else if (item.compression === 'gzip') outcomes.push(await scanGzipFile(item.id, openablePath(item), ruleset, buffer));
    else outcomes.push(scanFile(item.id, openablePath(item), ruleset, buffer));
  }
  return { outcomes };
}

type GitBlobItem = Extract<ScanItem, { kind: 'git-blob' }>;

function gitBlobsByRepository(items: readonly ScanItem[]): Map<string, GitBlobItem[]> {
  const byRepository = new Map<string, GitBlobItem[]>();
  for (const item of items) {
    if (item.kind !== 'git-blob') continue;
    const blobs = byRepository.get(item.repository);
    if (blobs) blobs.push(item);
    else byRepository.set(item.repository, [item]);
  }
  return byRepository;
}

/** Scans blobs as this thread's git for their repository prints them. A git that failed is replaced for the next batch. */
async function scanBlobs(repository: string, blobs: readonly GitBlobItem[]): Promise<ItemOutcome[]> {
  const session = catFileFor(repository);
  session.request(blobs.map((blob) => blob.id));
  try {
    return await scanGitBlobs(blobs, session, ruleset, buffer);
  } finally {
    if (session.brokenBy !== undefined) catFiles.delete(repository);
  }
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

