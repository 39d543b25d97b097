/**
 * The git history source: every blob reachable from the chosen commits, each scanned once however many
 * commits and paths share it (history is scanned by blob, not by patch: see DESIGN.md). Blob ids come
 * from one `git rev-list --objects`; the worker threads read the bytes, each through its own long-lived
 * `git cat-file --batch` (see git-cat-file.ts), and report Git LFS pointer files instead of scanning
 * them. A shallow clone says what it could not see. Commit messages of a range are
 * scanned too. Which commits added and removed a blob is asked only for blobs with findings
 * (`git-attribution.ts`).
 */
import path from 'node:path';
import type { SkippedInput } from '../engine/scan-stats.js';
import { UserError } from '../user-error.js';
import { isCalendarDate } from '../findings/baseline.js';
import { excludeMatcher } from './exclude-globs.js';
import { GitRepository } from './git.js';
import type { Provenance } from './provenance.js';
import type { ScanItem } from './scan-item.js';
import { FolderIgnores } from './folder-ignores.js';

/** Paths to leave out, as `scan` does: `--exclude` globs and (unless `--no-ignore`) `.sprawlignore` files. */
export interface HistoryFilters {
  /** Globs relative to the repository's top folder. */
  exclude?: readonly string[];
  /** Honour the `.sprawlignore` files committed at HEAD (default); `false` is the audit mode. */
  useIgnoreFiles?: boolean;
}

export interface HistorySelection {
  /** `A..B`: only what commits in the range added (and their messages). */
  range?: string;
  /** Only this branch's history (default: every ref, stash included). */
  branch?: string;
  since?: string;
  until?: string;
}

export interface HistoryListing {
  repository: GitRepository;
  root: string;
  items: AsyncIterable<readonly ScanItem[]>;
  skipped: SkippedInput[];
  provenanceOf: (id: string, item?: ScanItem) => Provenance[];
  /** Stops the listing (git), if the scan ended before reading all of it. */
  close: () => Promise<void>;
  /** The rev-list arguments that select the commits, reused to attribute findings to commits. */
  revisionArgs: string[];
  /** Every commit of every ref was listed (no range, branch or dates): every path a blob had is known. */
  wholeHistory: boolean;
}

const MESSAGE_ID_PREFIX = 'commit-message:';

export async function listHistory(directory: string, selection: HistorySelection, filters: HistoryFilters = {}): Promise<HistoryListing> {
  checkRevisions(selection);
  const repository = await GitRepository.open(directory);
  for (const [flag, value] of [['--since', selection.since], ['--until', selection.until]] as const) {
    if (value !== undefined) await checkDate(repository, flag, value);
  }
  const revisionArgs = revisionArgsOf(selection);
  const skipped: SkippedInput[] = [];
  const listing = startedNow(historyItems(repository, selection, revisionArgs, filters, skipped));
  return {
    repository,
    root: repository.root,
    revisionArgs,
    wholeHistory: !selection.range && !selection.branch && !selection.since && !selection.until,
    skipped,
    items: listing.items,
    close: listing.stop,
    // A blob's path travels with its item, so no map of every blob of the history is kept here: memory
    // stays flat however many blobs a history has.
    provenanceOf: (id, item) =>
      id.startsWith(MESSAGE_ID_PREFIX)
        ? [{ kind: 'git-message', path: `${id.slice(MESSAGE_ID_PREFIX.length, MESSAGE_ID_PREFIX.length + 12)}:message`, commit: id.slice(MESSAGE_ID_PREFIX.length) }]
        : [{ kind: 'git', path: (item?.kind === 'git-blob' ? item.path : undefined) ?? id, blobId: id }],
  };
}

/**
 * Starts listing now, not when the engine first asks: git lists (and sizes the first window of blobs,
 * which waits for the whole listing of up to 16,384 blobs) while the configuration and the rules load and
 * the worker threads start. Listed lazily, the first batch of a 2,000-commit history reached the threads
 * 70-100 ms after they were ready. `stop` ends git if the scan does not read to the end (it failed first).
 */
export function startedNow<T>(items: AsyncIterable<T>): { items: AsyncIterable<T>; stop: () => Promise<void> } {
  const iterator = items[Symbol.asyncIterator]();
  // Let go once read: held to the end, it kept the first window of blobs (16,384 items) for the whole scan.
  let first: Promise<IteratorResult<T>> | undefined = iterator.next();
  first.catch(() => undefined); // a failure is the engine's to report, when it reads the first item
  async function* continued(): AsyncIterable<T> {
    try {
      let next = await first!;
      first = undefined;
      for (; next.done !== true; next = await iterator.next()) yield next.value;
    } finally {
      await iterator.return?.();
    }
  }
  return {
    items: continued(),
    stop: async () => {
      await first?.catch(() => undefined);
      await iterator.return?.();
    },
  };
}

/**
 * A range or branch goes to git among its arguments, where a value starting with `-` would be read as an
 * option (`--output=FILE` makes git write a file). No revision starts with `-`; refuse one that does.
 */
function checkRevisions(selection: HistorySelection): void {
  if (selection.range !== undefined && selection.branch !== undefined) {
    throw new UserError('usage', '--range and --branch cannot be used together (a range names its own commits: --range main~5..main)');
  }
  for (const [flag, value] of [['--range', selection.range], ['--branch', selection.branch]] as const) {
    if (value === undefined) continue;
    if (value.trim() === '' || value.startsWith('-')) throw new UserError('usage', `${flag} ${JSON.stringify(value)}: not a ${flag === '--range' ? 'revision range (try main..HEAD)' : 'branch name'}`);
  }
}

/**
 * Git reads any text as a date: what it cannot make sense of becomes "now", so a mistyped `--since`
 * would silently scan nothing. Ask git how it reads the date, and refuse one it read as this very moment
 * unless that is what was written.
 */
async function checkDate(repository: GitRepository, flag: '--since' | '--until', value: string): Promise<void> {
  const notADate = () => new UserError('usage', `${flag} ${value.trim() === '' ? JSON.stringify(value) : value}: not a date git understands (try 2024-01-31 or "2 weeks ago")`);
  if (value.trim() === '') throw notADate();
  // Git takes 2024-13-45 for some day; a date written as a calendar date must name one that exists.
  const calendarDay = /^\d{4}-\d{2}-\d{2}/.exec(value)?.[0];
  if (calendarDay !== undefined && !isCalendarDate(calendarDay)) throw new UserError('usage', `${flag} ${value}: no such day`);
  const answer = await repository.run(['rev-parse', `--since=${value}`]);
  const seconds = Number(/--max-age=(\d+)/.exec(answer)?.[1]);
  const readAsNow = Number.isFinite(seconds) && Math.abs(seconds - Date.now() / 1000) < 5;
  if (!Number.isFinite(seconds) || (readAsNow && !/\bnow\b/i.test(value))) throw notADate();
  // A calendar date git reads as another day (it takes years from 1970 to 2099 only, and 1900-01-01 for
  // this year's first of January) would quietly narrow the scan: refused, saying how git read it.
  if (calendarDay !== undefined) {
    // The day itself is what is checked: git reads more after it than JavaScript does ("noon", "10am", "CET").
    const meant = Date.parse(`${calendarDay}T12:00:00Z`);
    if (Math.abs(meant - seconds * 1000) > 48 * 3600 * 1000) {
      throw new UserError('usage', `${flag} ${value}: git would read it as ${new Date(seconds * 1000).toISOString().slice(0, 10)} (it takes years from 1970 to 2099)`);
    }
  }
}

/**
 * The arguments that select the commits, last on every command they are given to: a `--` closes them, so
 * that a branch named like a folder (`docs`) is read as the branch, never as a path to limit the history to.
 */
function revisionArgsOf(selection: HistorySelection): string[] {
  const args: string[] = [];
  if (selection.range) args.push(selection.range);
  else if (selection.branch) args.push(selection.branch);
  else args.push('--all');
  if (selection.since) args.push(`--since=${selection.since}`);
  if (selection.until) args.push(`--until=${selection.until}`);
  return [...args, '--'];
}

/** An object rev-list listed: its id, and the first path git met it under (none for a commit). */
export interface ListedObject {
  id: string;
  path?: string;
}

/**
 * Every object reachable from the selected commits, each once, with the first path git met it under,
 * as git lists them. Git (2.32 and later) leaves trees out of the listing itself, so what has a path is
 * a blob, yielded with the others of its chunk of output. Commits are skipped: rev-list prints a commit
 * as its id alone and every other object as its id, a space and a name, which is empty for the rare
 * object a ref points at directly (a tagged blob); those are collected in `unknown` until
 * `cat-file --batch-check` tells. So nothing here grows with the number of commits. An older git refuses
 * the filter before listing anything; then every object is listed and all of them are `unknown`.
 */
async function* listObjects(repository: GitRepository, revisionArgs: readonly string[], unknown: ListedObject[], notDownloaded?: string[]): AsyncIterable<ListedObject[]> {
  let listed = false;
  // `?<id>`: an object a partial clone did not download, listed (without its path) instead of failing.
  const missingArgs = notDownloaded ? ['--missing=print'] : [];
  try {
    for await (const lines of repository.lines(['rev-list', '--objects', '--filter=object:type=blob', ...missingArgs, ...revisionArgs])) {
      listed = true;
      const blobs: ListedObject[] = [];
      for (const line of lines) {
        if (line.startsWith('?')) {
          notDownloaded?.push(line.slice(1));
          continue;
        }
        if (!line.includes(' ')) continue; // a commit
        const object = parseObjectLine(line);
        if (object.id === '') continue;
        if (object.path === undefined) unknown.push(object);
        else blobs.push(object);
      }
      if (blobs.length > 0) yield blobs;
    }
    return;
  } catch (error) {
    if (listed || !/filter/i.test(String((error as Error).message))) throw error;
  }
  for await (const lines of repository.lines(['rev-list', '--objects', ...missingArgs, ...revisionArgs])) {
    for (const line of lines) {
      if (line.startsWith('?')) {
        notDownloaded?.push(line.slice(1));
        continue;
      }
      const object = parseObjectLine(line);
      if (object.id !== '') unknown.push(object);
    }
  }
}

/** `<id> <path>` (a blob or tree), `<id> ` (an object a ref points at), or `<id>` alone (a commit). */
function parseObjectLine(line: string): ListedObject {
  const space = line.indexOf(' ');
  if (space < 0) return { id: line };
  const id = line.slice(0, space);
  return space < line.length - 1 ? { id, path: line.slice(space + 1) } : { id };
}

/**
 * How many listed blobs are held to be put in scan order. More finds more versions of each file (the
 * versions of a file are spread over the whole listing, one commit at a time); the memory is a path, an
 * id and a size each, a few megabytes at most, whatever the size of the history.
 * (`SPRAWL_TEST_VERSIONS_WINDOW` lowers it for the tests.)
 */
const VERSIONS_WINDOW = Number(process.env.SPRAWL_TEST_VERSIONS_WINDOW) || 16 * 1024;

/**
 * Puts the listed blobs in the order they are best scanned, a window of blobs at a time:
 * - the versions of each file next to each other, in the order git listed them (newest first): a worker
 *   given a file's versions in one batch scans each only where it differs from the one before (see
 *   changed-region.ts);
 * - the files with the largest version first. The last batches then hold small files, and the threads
 *   finish together: a 9 MB file met last (a bundled library) kept one thread busy for a tenth of a second
 *   after the other had finished, in a tenth of the runs over a 2,000-commit history.
 * The sizes come from one `cat-file --batch-check` per window, given each id as git lists it, so that the
 * sizes are known soon after the last id of the window: the first window waits for the whole listing of
 * up to 16,384 blobs, and the worker threads for the first window.
 */
async function* inScanOrder<Item>(repository: GitRepository, listed: AsyncIterable<ListedObject[]>, itemsOf: (window: ListedObject[]) => Promise<Item[]>): AsyncIterable<Item[]> {
  let window: ListedObject[] = [];
  let sizer = startSizing(repository);
  // Only the items of a window are held while they are scanned, not its listing too.
  const ordered = async (sizes: Map<string, number>) => {
    const items = await itemsOf(scanOrder(window, sizes));
    window = [];
    return items;
  };
  try {
    for await (const objects of listed) {
      let ids = '';
      for (const object of objects) {
        window.push(object);
        ids += `${object.id}\n`;
        if (window.length === VERSIONS_WINDOW) {
          sizer.write(ids);
          ids = '';
          const sizes = await sizer.finish();
          sizer = startSizing(repository);
          yield await ordered(sizes);
        }
      }
      sizer.write(ids);
    }
    const sizes = await sizer.finish();
    if (window.length > 0) yield await ordered(sizes);
  } finally {
    // A listing left early (the scan failed) ends its sizing git too; its answer is not wanted.
    sizer.finish().catch(() => undefined);
  }
}

/** A `cat-file --batch-check` for blob sizes, given ids as they come; `finish` gives each blob's size in bytes (none for a blob git cannot find). */
function startSizing(repository: GitRepository): { write: (ids: string) => void; finish: () => Promise<Map<string, number>> } {
  let command: ReturnType<GitRepository['startWithInput']> | undefined;
  let answer: Promise<Map<string, number>> | undefined;
  return {
    write: (ids) => {
      if (ids.length === 0) return;
      command ??= repository.startWithInput(['cat-file', '--buffer', '--batch-check=%(objectname) %(objectsize)']);
      command.write(ids);
    },
    finish: () => (answer ??= command ? command.finish().then(sizesIn) : Promise.resolve(new Map())),
  };
}

function sizesIn(answer: string): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const line of answer.split('\n')) {
    const space = line.indexOf(' ');
    const size = Number(line.slice(space + 1));
    if (space > 0 && Number.isInteger(size)) sizes.set(line.slice(0, space), size);
  }
  return sizes;
}

/**
 * The versions of each file together, in the order listed; the files by their largest version, largest
 * first, then by path (so the order, and the batches, are the same on every run). A blob of no known
 * size counts as empty.
 */
export function scanOrder(listed: readonly ListedObject[], sizes: ReadonlyMap<string, number>): ListedObject[] {
  const versionsByPath = new Map<string, ListedObject[]>();
  for (const object of listed) {
    const key = object.path ?? '';
    const versions = versionsByPath.get(key);
    if (versions) versions.push(object);
    else versionsByPath.set(key, [object]);
  }
  const files = [...versionsByPath].map(([filePath, versions]) => ({
    filePath,
    versions,
    largest: versions.reduce((largest, version) => Math.max(largest, sizes.get(version.id) ?? 0), 0),
  }));
  files.sort((a, b) => b.largest - a.largest || (a.filePath < b.filePath ? -1 : a.filePath > b.filePath ? 1 : 0));
  return files.flatMap((file) => file.versions);
}

/** Keeps the blobs among listed objects (`cat-file --batch-check`, one process). */
async function blobsAmong(repository: GitRepository, objects: readonly ListedObject[]): Promise<ListedObject[]> {
  if (objects.length === 0) return [];
  const answer = await repository.runWithInput(['cat-file', '--batch-check=%(objectname) %(objecttype)'], `${objects.map((object) => object.id).join('\n')}\n`);
  const blobIds = new Set(
    answer
      .split('\n')
      .filter((line) => line.endsWith(' blob'))
      .map((line) => line.slice(0, line.indexOf(' '))),
  );
  return objects.filter((object) => blobIds.has(object.id));
}

/**
 * Which blobs to leave out, by the path git lists a blob under (a blob kept at several paths is judged
 * by the first): `--exclude` globs and the `.sprawlignore` files committed at HEAD, read through one
 * `cat-file --batch`. A blob with no path (one a tag points at) is never left out.
 */
async function leftOutPaths(repository: GitRepository, filters: HistoryFilters): Promise<(blobPath: string | undefined) => boolean> {
  const excluded = excludeMatcher(filters.exclude ?? []);
  const ignores = new FolderIgnores();
  if (filters.useIgnoreFiles !== false) {
    const files = (await repository.headTree().catch(() => undefined))?.ignoreFiles ?? [];
    // Blobs come back in the order asked (two folders may share one file's content, hence one id).
    let index = 0;
    for await (const { bytes } of repository.readBlobs(files.map((file) => file.blobId))) {
      const file = files[index++]!;
      if (bytes) ignores.add(path.posix.dirname(file.path), bytes.toString('utf8'));
    }
  }
  return (blobPath) => blobPath !== undefined && (excluded?.ignores(blobPath) === true || ignores.isIgnored(blobPath));
}

async function commitMessages(repository: GitRepository, revisionArgs: readonly string[]): Promise<Map<string, string>> {
  const log = await repository.run(['log', '--format=%H%x00%B%x00%x00', ...revisionArgs]);
  const messages = new Map<string, string>();
  for (const record of log.split('\0\0')) {
    const [commit, message] = record.replace(/^\n+/, '').split('\0');
    if (commit && message !== undefined && /^[0-9a-f]{40,64}$/.test(commit)) messages.set(commit, message);
  }
  return messages;
}

async function* historyItems(
  repository: GitRepository,
  selection: HistorySelection,
  revisionArgs: readonly string[],
  filters: HistoryFilters,
  skipped: SkippedInput[],
): AsyncIterable<readonly ScanItem[]> {
  // The workers read the blobs themselves, each through its own `git cat-file --batch`. The blobs known
  // as blobs go as git lists them, so the workers start while git still lists and is then asked about
  // the rest. Trees are filtered out by type, so each blob is read once whatever its number of paths.
  const blobItem = ({ id, path }: ListedObject): ScanItem => ({ kind: 'git-blob', id, repository: repository.root, ...(path !== undefined ? { path } : {}) });
  const unknown: ListedObject[] = [];
  // HEAD's ignore files are read while git lists (they are needed only once the first blob is listed).
  const leftOutReady = leftOutPaths(repository, filters);
  leftOutReady.catch(() => undefined); // awaited below; a failure then is the listing's
  let leftOut: ((blobPath: string | undefined) => boolean) | undefined;
  const kept = (objects: readonly ListedObject[], leftOut: (blobPath: string | undefined) => boolean) => objects.filter((object) => !leftOut(object.path)).map(blobItem);
  // In a partial clone, blobs it did not download are expected: counted, not fetched (see git-environment.ts).
  const notDownloaded: string[] | undefined = (await repository.isPartialClone()) ? [] : undefined;
  yield* inScanOrder(repository, listObjects(repository, revisionArgs, unknown, notDownloaded), async (window) => kept(window, (leftOut ??= await leftOutReady)));
  leftOut ??= await leftOutReady;
  yield kept(await blobsAmong(repository, unknown), leftOut);
  if (selection.range) {
    yield [...(await commitMessages(repository, revisionArgs))].map(([commit, message]): ScanItem => ({ kind: 'bytes', id: `${MESSAGE_ID_PREFIX}${commit}`, bytes: Buffer.from(message) }));
  }
  // Submodules are other repositories: their commits are not in this one's objects. Say so.
  const head = await repository.headTree().catch(() => undefined);
  for (const submodulePath of head?.submodulePaths ?? []) {
    skipped.push({ path: submodulePath, reason: 'submodule', detail: 'scan its own repository with sprawl git' });
  }
  if (notDownloaded && notDownloaded.length > 0) {
    skipped.push({ path: '.', reason: 'not-downloaded', detail: `${notDownloaded.length} blob${notDownloaded.length === 1 ? '' : 's'} of the history, such as ${notDownloaded[0]!.slice(0, 12)}`, count: notDownloaded.length });
  }
  if (repository.isShallow) {
    skipped.push({ path: '.', reason: 'shallow-history', detail: 'a shallow clone: commits before its boundary are not visible' });
  }
}
