/**
 * How long a secret has been exposed in git history: the commit that first added it, whether it is still
 * at HEAD, the commit that removed it (if it was), every path it lived under, and the days in between.
 * Computed from the add/remove events of the blobs that hold it (`sources/git-attribution.ts`).
 */

export interface CommitRef {
  id: string;
  /** ISO 8601, the committer date. */
  date: string;
  author: string;
}

export interface BlobEvent {
  blobId: string;
  kind: 'added' | 'removed';
  commit: CommitRef;
  path: string;
  /** For removals: the commit before (first parent), the last one the blob was present in. */
  parentId?: string;
  /**
   * The commit's place in git's log, 0 the newest. Dates have whole seconds, and a script or a rebase
   * makes several commits in one: of two such, the one git lists later is the older (git lists a
   * commit before its parents).
   */
  logOrder: number;
}

export interface GitExposure {
  firstCommit: CommitRef & { path: string };
  /** The last commit holding the secret: HEAD's commit, or the parent of the commit that removed it. */
  lastCommitId: string;
  /** The commit that removed it from the history being scanned, when it is no longer at HEAD. */
  removedIn?: CommitRef;
  atHead: boolean;
  /**
   * Not at HEAD yet never removed: the refs whose history holds the commit that added it (a branch
   * not merged, a tag, `refs/stash`), where it is still to be found. Filled in by `sprawl git`.
   */
  stillOn?: string[];
  /** From the first commit to the removal, or to now while still at HEAD. */
  daysExposed: number;
  /** Every path it was committed under, sorted. */
  paths: string[];
}

const MS_PER_DAY = 86_400_000;

/**
 * The exposure of a secret held by these blobs, from the commits that added and removed them; `head`
 * says which of them are in HEAD's tree (it may leave out blobs that are not asked about).
 */
export function exposureOf(
  blobIds: ReadonlySet<string>,
  events: readonly BlobEvent[],
  head: { commitId: string; blobIds: ReadonlySet<string> },
  now: Date = new Date(),
): GitExposure | undefined {
  const mine = events.filter((event) => blobIds.has(event.blobId));
  const added = mine.filter((event) => event.kind === 'added').sort((a, b) => olderFirst(a, b) || a.path.localeCompare(b.path));
  const first = added[0];
  if (!first) return undefined;
  const atHead = [...blobIds].some((id) => head.blobIds.has(id));
  const lastRemoval = atHead
    ? undefined
    : mine.filter((event) => event.kind === 'removed').sort((a, b) => olderFirst(b, a))[0];
  const end = lastRemoval ? Date.parse(lastRemoval.commit.date) : now.getTime();
  return {
    firstCommit: { ...first.commit, path: first.path },
    lastCommitId: atHead ? head.commitId : (lastRemoval?.parentId ?? first.commit.id),
    ...(lastRemoval ? { removedIn: lastRemoval.commit } : {}),
    atHead,
    daysExposed: Math.max(0, Math.floor((end - Date.parse(first.commit.date)) / MS_PER_DAY)),
    paths: [...new Set(added.map((event) => event.path))].sort(),
  };
}

/** Orders events by when their commits were made, the older first; within one second, by git's log. */
export function olderFirst(a: BlobEvent, b: BlobEvent): number {
  return Date.parse(a.commit.date) - Date.parse(b.commit.date) || b.logOrder - a.logOrder;
}
