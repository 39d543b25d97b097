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
import { rawRowIdsOf, rawRowOf } from './git-raw-row.js';

const ZERO_ID = /^0+$/;
/** Opens a commit's header record (a byte no id, date or name holds). */
const COMMIT_MARK = '\x01';

/**
 * `-z`: records end in NUL and paths come as committed. Without it git quotes a path that is not plain
 * ASCII (`café.env` came out as `"caf\303\251.env"`, in findings too).
 */
const LOG_ARGS = ['log', '-z', '--format=%x01%H%x09%cI%x09%an%x09%P', '--raw', '--no-abbrev', '-m', '--no-renames'];
/** How much raw log is kept in memory (`SPRAWL_TEST_LOG_LIMIT_BYTES` lowers it for the tests). */
const LOG_LIMIT_BYTES = Number(process.env.SPRAWL_TEST_LOG_LIMIT_BYTES) || 64 * 1024 * 1024;
/** Blob ids per `git log --find-object` call, well within any command-line limit (`SPRAWL_TEST_FIND_OBJECT_BATCH` lowers it for the tests). */
const FIND_OBJECT_BATCH = Number(process.env.SPRAWL_TEST_FIND_OBJECT_BATCH) || 500;

/** The raw log's records, or `too-large` when the history's log outgrew the limit and was let go. */
export type HistoryLog = string[] | 'too-large';

/**
 * The raw log of the scanned history: every commit with the blobs it added and removed. Started as soon
 * as a scan finds something, while it goes on, and read by `blobEventsOf` once the findings are known.
 */
export async function historyLog(repository: GitRepository, revisionArgs: readonly string[]): Promise<HistoryLog> {
  const records: string[] = [];
  let bytes = 0;
  for await (const batch of repository.records([...LOG_ARGS, ...revisionArgs])) {
    for (const record of batch) {
      bytes += record.length + 1;
      if (bytes > LOG_LIMIT_BYTES) return 'too-large'; // leaving the loop stops git
      records.push(record);
    }
  }
  return records;
}

/** The adds and removals of these blobs, from the log kept whole or, for a history too long for that, asked again. */
export async function blobEventsOf(log: HistoryLog, repository: GitRepository, revisionArgs: readonly string[], blobIds: ReadonlySet<string>): Promise<BlobEvent[]> {
  if (log !== 'too-large') return blobEventsIn(log, blobIds);
  const ids = [...blobIds];
  const events: BlobEvent[] = [];
  for (let start = 0; start < ids.length; start += FIND_OBJECT_BATCH) {
    const batch = ids.slice(start, start + FIND_OBJECT_BATCH);
    const records: string[] = [];
    for await (const found of repository.records([...LOG_ARGS, ...batch.map((id) => `--find-object=${id}`), ...revisionArgs])) records.push(...found);
    // This batch's blobs only: a commit that also touched another batch's blob is read there too.
    events.push(...blobEventsIn(records, new Set(batch)));
  }
  // Each batch was a run of git log of its own, whose order says nothing of another's: one listing of the
  // scanned commits orders them all (for commits made in the same second; see `BlobEvent.logOrder`).
  const order = await commitOrder(repository, revisionArgs, new Set(events.map((event) => event.commit.id)));
  return events.map((event) => ({ ...event, logOrder: order.get(event.commit.id) ?? event.logOrder }));
}

/**
 * Where each of these commits stands in git's listing of the scanned history (0 the newest), read as a
 * stream that stops once all are placed: only the commits asked about are kept.
 */
async function commitOrder(repository: GitRepository, revisionArgs: readonly string[], commitIds: ReadonlySet<string>): Promise<Map<string, number>> {
  const order = new Map<string, number>();
  if (commitIds.size === 0) return order;
  let position = 0;
  listing: for await (const ids of repository.lines(['rev-list', ...revisionArgs])) {
    for (const id of ids) {
      if (commitIds.has(id)) order.set(id, position);
      if (order.size === commitIds.size) break listing;
      position++;
    }
  }
  return order;
}

/**
 * The rows of a raw log that add or remove these blobs. Its records: a commit's header (`COMMIT_MARK`, id,
 * date, author, parents), then per changed path a row (`:modes ids status`, the first after a header
 * preceded by a newline) and the path.
 */
function blobEventsIn(log: readonly string[], blobIds: ReadonlySet<string>): BlobEvent[] {
  if (blobIds.size === 0) return [];
  const events: BlobEvent[] = [];
  const seen = new Set<string>();
  // The commit a row belongs to, read from its header only for a row about one of the blobs: most commits
  // touch none of them, and reading every header (a date to parse) was most of the work here.
  let header: string | undefined;
  let commit: CommitRef | undefined;
  let firstParent: string | undefined;
  // Within one run of `git log` (the kept log, or one batch of `--find-object`).
  let logOrder = -1;
  for (let index = 0; index < log.length; index++) {
    const entry = log[index]!;
    if (entry.startsWith(COMMIT_MARK)) {
      header = entry;
      commit = undefined;
      logOrder++;
      continue;
    }
    const ids = rawRowIdsOf(entry);
    if (!ids || header === undefined) continue;
    const path = log[++index] ?? '';
    if (!blobIds.has(ids[0]) && !blobIds.has(ids[1])) continue;
    const row = rawRowOf(entry);
    if (!row) continue;
    const { newMode, oldId, newId, status } = row;
    if (newMode === '160000') continue; // a submodule commit, not a blob
    if (commit === undefined) {
      const [id = '', date = '', author = '', parents = ''] = header.slice(1).split('\t');
      commit = { id, date: new Date(date).toISOString(), author }; // UTC, so dates compare and read the same everywhere
      firstParent = parents.split(' ')[0] || undefined;
    }
    const record = (event: BlobEvent) => {
      const key = `${event.kind}\0${event.blobId}\0${event.commit.id}\0${event.path}`;
      if (!seen.has(key)) {
        seen.add(key);
        events.push(event);
      }
    };
    if (blobIds.has(newId) && !ZERO_ID.test(newId) && status !== 'D') record({ blobId: newId, kind: 'added', commit, path, logOrder });
    if (blobIds.has(oldId) && oldId !== newId && status !== 'A') {
      record({ blobId: oldId, kind: 'removed', commit, path, ...(firstParent ? { parentId: firstParent } : {}), logOrder });
    }
  }
  return events;
}
