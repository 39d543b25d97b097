/**
 * Worker-thread entry (run by piscina from `worker-pool.ts`). Compiles the rules once per thread, then
 * scans the items of each task: files are read here (their bytes never cross threads), bytes that only
 * the main thread could get (git blobs) arrive in the task, and only matches go back. Imports only the ruleset compiler, the detectors and the file scanner.
 */
import { workerData } from 'node:worker_threads';
import { compileRuleset } from '../ruleset/compile-rules.js';
import { CHUNK_BYTES, OVERLAP_BYTES, scanBytes, scanFile, scanGzipFile } from './chunked-scan.js';
import type { ItemOutcome, ScanTask, ScanTaskResult, WorkerSetup } from './worker-protocol.js';

const setup = workerData as WorkerSetup;
const ruleset = compileRuleset(setup.rules, {
  ...(setup.decodeDepth !== undefined ? { decodeDepth: setup.decodeDepth } : {}),
  ...(setup.settings !== undefined ? { settings: setup.settings } : {}),
});
/** One read buffer per thread, reused for every chunk of every file. */
const buffer = Buffer.allocUnsafe(CHUNK_BYTES + OVERLAP_BYTES);

/**
 * Fault injection for the crash-recovery test: a worker given a path containing this string dies, as a
 * native crash or an out-of-memory kill would take it down. Unset in normal use.
 */
const crashOnPath = process.env.SPRAWL_TEST_CRASH_ON_PATH;

export default async function scanTask(task: ScanTask): Promise<ScanTaskResult> {
  if (crashOnPath && task.items.some((item) => item.id.includes(crashOnPath))) process.exit(70);
  const outcomes: ItemOutcome[] = [];
  for (const item of task.items) {
    if (item.kind === 'bytes') outcomes.push(scanBytes(item.id, item.bytes, ruleset, buffer));
    else if (item.compression === 'gzip') outcomes.push(await scanGzipFile(item.id, item.absolutePath, ruleset, buffer));
    else outcomes.push(scanFile(item.id, item.absolutePath, ruleset, buffer));
  }
  return { outcomes };
}
