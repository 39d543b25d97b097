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
  /** For removals: the commit before, the last one the blob was present in (a merge's first parent until told otherwise). */
  parentId?: string;
  /** For removals in a merge: every parent, since git's log does not say which parent a row compares with. */
  parentIds?: string[];
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
   * Not at HEAD, but in the tip of these refs (a branch not merged, a tag, `stash`), whether or not
   * HEAD's history removed it: where anyone who fetches can still read it today. Filled in by `sprawl git`.
   */
  stillOn?: string[];
  /** From the first commit to the removal, or to now while still at HEAD or on another ref's tip. */
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
  head: {
    commitId: string;
    blobIds: ReadonlySet<string>;
    /** Removal commits known to be in HEAD's history: where several branches removed it, HEAD's removal is the one that counts. */
    history?: ReadonlySet<string>;
  },
  now: Date = new Date(),
): GitExposure | undefined {
  const added = events.filter((event) => event.kind === 'added' && blobIds.has(event.blobId)).sort((a, b) => olderFirst(a, b) || a.path.localeCompare(b.path));
  const first = added[0];
  if (!first) return undefined;
  const atHead = [...blobIds].some((id) => head.blobIds.has(id));
  const removals = atHead ? [] : removalsOf(blobIds, events);
  const lastRemoval = removals.find((event) => head.history?.has(event.commit.id)) ?? removals[0];
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

/**
 * The commits that removed the secret, the newest first. A commit that drops one version of the file and
 * adds another that still holds the secret (an edit, a rename, a merge) did not remove it.
 */
export function removalsOf(blobIds: ReadonlySet<string>, events: readonly BlobEvent[]): BlobEvent[] {
  const mine = events.filter((event) => blobIds.has(event.blobId));
  const stillAddingCommits = new Set(mine.filter((event) => event.kind === 'added').map((event) => event.commit.id));
  return mine.filter((event) => event.kind === 'removed' && !stillAddingCommits.has(event.commit.id)).sort((a, b) => olderFirst(b, a));
}

/** Orders events by when their commits were made, the older first; within one second, by git's log. */
export function olderFirst(a: BlobEvent, b: BlobEvent): number {
  return Date.parse(a.commit.date) - Date.parse(b.commit.date) || b.logOrder - a.logOrder;
}

/** A ref's tip commit, with its committer date (ISO 8601). */
export interface RefTip {
  ref: string;
  commitId: string;
  date: string;
}

/**
 * The secret is not at HEAD but on these refs (their short names): it is exposed until now, and the
 * newest of their tip commits (`tips`, the newest first) is the last commit that holds it, whatever
 * HEAD's history removed.
 */
export function stillHeldOn(exposure: GitExposure, tips: readonly RefTip[], refs: readonly string[], now: Date = new Date()): void {
  exposure.stillOn = [...refs];
  exposure.daysExposed = Math.max(0, Math.floor((now.getTime() - Date.parse(exposure.firstCommit.date)) / MS_PER_DAY));
  if (tips[0]) exposure.lastCommitId = tips[0].commitId;
}
