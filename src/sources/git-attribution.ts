/**
 * Which commits added and removed the blobs that hold findings: one `git log --raw` pass over the scanned
 * history (merges included with `-m`), keeping only the rows that touch those blobs. Asked only when a
 * scan finds something, so a clean history costs nothing here. The log is read beside the scan, before
 * the findings are all known, so it is kept whole (about 0.5 KB a commit) up to a limit; a longer
 * history is asked again once the scan is done, for just the blobs with findings (`--find-object`), so
 * memory does not grow with the number of commits.
 */
import type { BlobEvent, CommitRef } from '../findings/exposure.js';
import type { GitRepository } from './git.js';

const RAW_LINE = /^:(\d+) (\d+) ([0-9a-f]+) ([0-9a-f]+) ([A-Z])\d*\t(.+)$/;
const ZERO_ID = /^0+$/;

const LOG_ARGS = ['log', '--format=%x00%H%x09%cI%x09%an%x09%P', '--raw', '--no-abbrev', '-m', '--no-renames'];
/** How much raw log is kept in memory (`SPRAWL_TEST_LOG_LIMIT_BYTES` lowers it for the tests). */
const LOG_LIMIT_BYTES = Number(process.env.SPRAWL_TEST_LOG_LIMIT_BYTES) || 64 * 1024 * 1024;
/** Blob ids per `git log --find-object` call, well within any command-line limit. */
const FIND_OBJECT_BATCH = 500;

/** The raw log's lines, or `too-large` when the history's log outgrew the limit and was let go. */
export type HistoryLog = string[] | 'too-large';

/**
 * The raw log of the scanned history: every commit with the blobs it added and removed. Started as soon
 * as a scan finds something, while it goes on, and read by `blobEventsOf` once the findings are known.
 */
export async function historyLog(repository: GitRepository, revisionArgs: readonly string[]): Promise<HistoryLog> {
  const lines: string[] = [];
  let bytes = 0;
  for await (const line of repository.lines([...LOG_ARGS, ...revisionArgs])) {
    bytes += line.length + 1;
    if (bytes > LOG_LIMIT_BYTES) return 'too-large'; // leaving the loop stops git
    lines.push(line);
  }
  return lines;
}

/** The adds and removals of these blobs, from the log kept whole or, for a history too long for that, asked again. */
export async function blobEventsOf(log: HistoryLog, repository: GitRepository, revisionArgs: readonly string[], blobIds: ReadonlySet<string>): Promise<BlobEvent[]> {
  if (log !== 'too-large') return blobEventsIn(log, blobIds);
  const ids = [...blobIds];
  const lines: string[] = [];
  for (let start = 0; start < ids.length; start += FIND_OBJECT_BATCH) {
    const finds = ids.slice(start, start + FIND_OBJECT_BATCH).map((id) => `--find-object=${id}`);
    for await (const line of repository.lines([...LOG_ARGS, ...finds, ...revisionArgs])) lines.push(line);
  }
  return blobEventsIn(lines, blobIds);
}

/** The rows of a raw log that add or remove these blobs. */
function blobEventsIn(log: readonly string[], blobIds: ReadonlySet<string>): BlobEvent[] {
  if (blobIds.size === 0) return [];
  const events: BlobEvent[] = [];
  const seen = new Set<string>();
  let commit: CommitRef | undefined;
  let firstParent: string | undefined;
  for (const line of log) {
    if (line.startsWith('\0')) {
      const [id = '', date = '', author = '', parents = ''] = line.slice(1).split('\t');
      commit = { id, date: new Date(date).toISOString(), author }; // UTC, so dates compare and read the same everywhere
      firstParent = parents.split(' ')[0] || undefined;
      continue;
    }
    const raw = RAW_LINE.exec(line);
    if (!raw || !commit) continue;
    const [, , newMode, oldId, newId, status, path] = raw as unknown as [string, string, string, string, string, string, string];
    if (newMode === '160000') continue; // a submodule commit, not a blob
    const record = (event: BlobEvent) => {
      const key = `${event.kind}\0${event.blobId}\0${event.commit.id}\0${event.path}`;
      if (!seen.has(key)) {
        seen.add(key);
        events.push(event);
      }
    };
    if (blobIds.has(newId) && !ZERO_ID.test(newId) && status !== 'D') record({ blobId: newId, kind: 'added', commit, path });
    if (blobIds.has(oldId) && oldId !== newId && status !== 'A') {
      record({ blobId: oldId, kind: 'removed', commit, path, ...(firstParent ? { parentId: firstParent } : {}) });
    }
  }
  return events;
}
