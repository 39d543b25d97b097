/**
 * Which commits added and removed the blobs that hold findings: one `git log --raw` pass over the scanned
 * history (merges included with `-m`), keeping only the rows that touch those blobs. Asked only when a
 * scan finds something, so a clean history costs nothing here. The log runs beside the scan, before the
 * findings are all known, and git writes it to a temporary file (about 0.5 KB a commit) that is read once
 * the findings are known, a piece at a time: memory does not grow with the number of commits. Kept in
 * memory instead, the log of an 8,000-commit history held 17 MB of the main thread's heap to the end.
 * A history whose log outgrows the file limit is asked again once the scan is done, for just the blobs
 * with findings (`--find-object`).
 */
import { closeSync, fstatSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BlobEvent, CommitRef } from '../findings/exposure.js';
import { recordsOfFile, type GitRepository } from './git.js';
import { rawRowIdsOf, rawRowOf } from './git-raw-row.js';

const ZERO_ID = /^0+$/;
/**
 * Dates have whole seconds, so of two commits made in the same second only git's order says which came
 * first (`BlobEvent.logOrder`). By default git may list a parent before its child when their dates tie
 * (`git stash` right after a commit: the stash's index commit came out after the commit it was made on,
 * and took credit for its secret); `--date-order` never lists a parent before all its children.
 */
const ORDER_ARGS = ['--date-order'];
/** Opens a commit's header record (a byte no id, date or name holds). */
const COMMIT_MARK = '\x01';

/**
 * `-z`: records end in NUL and paths come as committed. Without it git quotes a path that is not plain
 * ASCII (`café.env` came out as `"caf\303\251.env"`, in findings too).
 */
const LOG_ARGS = ['log', '-z', '--format=%x01%H%x09%cI%x09%an%x09%P', '--raw', '--no-abbrev', '-m', '--no-renames', ...ORDER_ARGS];
/** How large the log's file may grow (about a million commits; `SPRAWL_TEST_LOG_LIMIT_BYTES` lowers it for the tests). */
const LOG_LIMIT_BYTES = Number(process.env.SPRAWL_TEST_LOG_LIMIT_BYTES) || 512 * 1024 * 1024;
/** How often the file's size is looked at while git writes it. */
const LOG_SIZE_CHECK_MS = 100;
/** Blob ids per `git log --find-object` call, well within any command-line limit (`SPRAWL_TEST_FIND_OBJECT_BATCH` lowers it for the tests). */
const FIND_OBJECT_BATCH = Number(process.env.SPRAWL_TEST_FIND_OBJECT_BATCH) || 500;

/**
 * The raw log, in a temporary file until `blobEventsOf` has read it; or `ask-again` when there is none to
 * read: it outgrew the limit and was let go, or no temporary file could be made or written whole (a
 * read-only or full disk).
 */
export type HistoryLog = { file: string } | 'ask-again';

/**
 * The raw log of the scanned history: every commit with the blobs it added and removed. Started as soon
 * as a scan finds something, while it goes on, and read by `blobEventsOf` once the findings are known.
 */
export async function historyLog(repository: GitRepository, revisionArgs: readonly string[]): Promise<HistoryLog> {
  let file: string;
  let fd: number;
  try {
    file = temporaryLogFile();
    fd = openSync(file, 'w');
  } catch {
    return 'ask-again';
  }
  let outgrown = false;
  try {
    const git = repository.writeOutput([...LOG_ARGS, ...revisionArgs], fd);
    const watch = setInterval(() => {
      if (fstatSync(fd).size <= LOG_LIMIT_BYTES) return;
      outgrown = true;
      git.stop();
    }, LOG_SIZE_CHECK_MS);
    try {
      await git.done;
    } finally {
      clearInterval(watch);
    }
    if (outgrown || fstatSync(fd).size > LOG_LIMIT_BYTES) {
      removeLogFile(file);
      return 'ask-again';
    }
    return { file };
  } catch {
    // The log could not be written whole (a full disk): the blobs with findings are asked again, and a
    // git that fails there too says why.
    removeLogFile(file);
    return 'ask-again';
  } finally {
    closeSync(fd);
  }
}

/** Temporary folders of logs not yet read and removed: removed at exit whatever happened (a scan that failed never reads its log). */
const logFolders = new Set<string>();
let removedAtExit = false;

function temporaryLogFile(): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'sprawl-log-'));
  if (!removedAtExit) process.once('exit', () => logFolders.forEach((each) => rmSync(each, { recursive: true, force: true })));
  removedAtExit = true;
  logFolders.add(folder);
  return path.join(folder, 'log');
}

function removeLogFile(file: string): void {
  const folder = path.dirname(file);
  rmSync(folder, { recursive: true, force: true });
  logFolders.delete(folder);
}

/** The adds and removals of these blobs: from the log's file (removed once read), or asked again for just these blobs. */
export async function blobEventsOf(log: HistoryLog, repository: GitRepository, revisionArgs: readonly string[], blobIds: ReadonlySet<string>): Promise<BlobEvent[]> {
  if (log !== 'ask-again') {
    try {
      return await blobEventsIn(recordsOfFile(log.file), blobIds);
    } finally {
      removeLogFile(log.file);
    }
  }
  const ids = [...blobIds];
  const events: BlobEvent[] = [];
  for (let start = 0; start < ids.length; start += FIND_OBJECT_BATCH) {
    const batch = ids.slice(start, start + FIND_OBJECT_BATCH);
    // This batch's blobs only: a commit that also touched another batch's blob is read there too.
    events.push(...(await blobEventsIn(repository.records([...LOG_ARGS, ...batch.map((id) => `--find-object=${id}`), ...revisionArgs]), new Set(batch))));
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
  listing: for await (const ids of repository.lines(['rev-list', ...ORDER_ARGS, ...revisionArgs])) {
    for (const id of ids) {
      if (commitIds.has(id)) order.set(id, position);
      if (order.size === commitIds.size) break listing;
      position++;
    }
  }
  return order;
}

/**
 * The rows of a raw log that add or remove these blobs, read as it comes, records in batches. Its records:
 * a commit's header (`COMMIT_MARK`, id, date, author, parents), then per changed path a row (`:modes ids
 * status`, the first after a header preceded by a newline) and the path, which may come in the next batch.
 */
async function blobEventsIn(log: AsyncIterable<readonly string[]>, blobIds: ReadonlySet<string>): Promise<BlobEvent[]> {
  const events: BlobEvent[] = [];
  if (blobIds.size === 0) return events;
  const seen = new Set<string>();
  // The commit a row belongs to, read from its header only for a row about one of the blobs: most commits
  // touch none of them, and reading every header (a date to parse) was most of the work here.
  let header: string | undefined;
  let commit: CommitRef | undefined;
  let parents: string[] = [];
  // Within one run of `git log` (the kept log, or one batch of `--find-object`).
  let logOrder = -1;
  // After a row, the next record is its path: the row while it waits for it (null: a row about none of the blobs).
  let rowAwaitingPath: string | null | undefined;
  const record = (event: BlobEvent) => {
    const key = `${event.kind}\0${event.blobId}\0${event.commit.id}\0${event.path}`;
    if (!seen.has(key)) {
      seen.add(key);
      events.push(event);
    }
  };
  const readRow = (entry: string, path: string) => {
    const row = rawRowOf(entry);
    if (!row || header === undefined) return;
    const { newMode, oldId, newId, status } = row;
    if (newMode === '160000') return; // a submodule commit, not a blob
    if (commit === undefined) {
      const [id = '', date = '', author = '', parentList = ''] = header.slice(1).split('\t');
      commit = { id, date: new Date(date).toISOString(), author }; // UTC, so dates compare and read the same everywhere
      parents = parentList.split(' ').filter(Boolean);
    }
    if (blobIds.has(newId) && !ZERO_ID.test(newId) && status !== 'D') record({ blobId: newId, kind: 'added', commit, path, logOrder });
    if (blobIds.has(oldId) && oldId !== newId && status !== 'A') {
      // With -m, a merge's rows against each parent follow one header, with nothing to tell which parent
      // a row is against: the merge's parents go with the event, for the caller to ask which held it.
      const parentId = parents[0];
      record({ blobId: oldId, kind: 'removed', commit, path, ...(parentId ? { parentId } : {}), ...(parents.length > 1 ? { parentIds: parents } : {}), logOrder });
    }
  };
  for await (const batch of log) {
    for (const entry of batch) {
      if (rowAwaitingPath !== undefined) {
        if (rowAwaitingPath !== null) readRow(rowAwaitingPath, entry);
        rowAwaitingPath = undefined;
        continue;
      }
      if (entry.startsWith(COMMIT_MARK)) {
        header = entry;
        commit = undefined;
        logOrder++;
        continue;
      }
      const ids = rawRowIdsOf(entry);
      if (!ids || header === undefined) continue;
      rowAwaitingPath = blobIds.has(ids[0]) || blobIds.has(ids[1]) ? entry : null;
    }
  }
  return events;
}
