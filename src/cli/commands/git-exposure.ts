/**
 * `sprawl git`'s exposure step: once the findings are known, the commits that added and removed each of
 * their blobs (from the log, `sources/git-attribution.ts`), whether HEAD still holds them, which other
 * refs still do, and one occurrence per path each was committed under. Git is asked only about the blobs
 * that hold a finding, so a scan with none asks nothing.
 */
import type { Finding, Occurrence } from '../../findings/finding.js';
import { exposureOf, olderFirst, removalsOf, stillHeldOn, type BlobEvent, type RefTip } from '../../findings/exposure.js';
import type { GitRef, GitRepository } from '../../sources/git.js';
import { blobEventsOf, type HistoryLog } from '../../sources/git-attribution.js';
import type { HistoryListing } from '../../sources/git-history.js';

export async function addExposure(findings: Finding[], history: HistoryListing, log: HistoryLog): Promise<void> {
  const { repository } = history;
  const blobsOf = new Map(findings.map((finding) => [finding, new Set(finding.occurrences.flatMap(blobIdOf))]));
  const blobIds = new Set([...blobsOf.values()].flatMap((blobs) => [...blobs]));
  let events = await blobEventsOf(log, repository, history.revisionArgs, blobIds);
  if (!history.wholeHistory) events = await withAdditionsBeforeTheWindow(events, blobIds, repository);
  await findRemovedFromParents(events, repository);
  // Still at HEAD: asked only for these blobs, at every path they were committed under.
  const places = [...events.filter((event) => event.kind === 'added'), ...findings.flatMap((finding) => finding.occurrences.flatMap(placeOf))];
  const atHead = await repository.blobsAtHead(places);
  // A narrowed scan knows only the paths its commits gave: a blob renamed since is looked for by id.
  const unanswered = new Set([...blobIds].filter((id) => !atHead.has(id)));
  if (!history.wholeHistory && unanswered.size > 0) for (const id of await repository.blobsInHeadTree(unanswered)) atHead.add(id);
  const headCommitId = (await repository.headTree()).commitId;
  const headHistory = await removalsInHeadHistory(findings, blobsOf, events, atHead, headCommitId, repository);
  for (const finding of findings) {
    const exposure = exposureOf(blobsOf.get(finding)!, events, { commitId: headCommitId, blobIds: atHead, history: headHistory });
    if (exposure) finding.exposure = exposure;
    finding.occurrences = spreadOverPaths(finding.occurrences, events);
  }
  await nameRefsStillHolding(findings, blobsOf, repository);
}

/**
 * A scan narrowed by dates sees a blob whose commit that added it lies before the window (the window
 * holds only its removal, or a commit that kept it): without that commit there is no first commit to
 * tell. Those blobs' events are asked again over the whole history.
 */
async function withAdditionsBeforeTheWindow(events: BlobEvent[], blobIds: ReadonlySet<string>, repository: GitRepository): Promise<BlobEvent[]> {
  const added = new Set(events.filter((event) => event.kind === 'added').map((event) => event.blobId));
  const unattributed = new Set([...blobIds].filter((id) => !added.has(id)));
  if (unattributed.size === 0) return events;
  const whole = await blobEventsOf('ask-again', repository, ['--all'], unattributed);
  return [...events.filter((event) => !unattributed.has(event.blobId)), ...whole];
}

/**
 * git's log of a merge (`-m`) lists its rows against each parent under one header, so a removal in a
 * merge does not say which parent held the blob. Asked: the parent that has it at that path is the last
 * commit that held it (one `cat-file --batch-check` for all such rows; merges that remove a secret are few).
 */
async function findRemovedFromParents(events: BlobEvent[], repository: GitRepository): Promise<void> {
  const inMerges = events.filter((event) => event.kind === 'removed' && event.parentIds !== undefined);
  const asked = inMerges.flatMap((event) => event.parentIds!.map((parentId) => ({ event, commitId: parentId, path: event.path })));
  if (asked.length === 0) return;
  const found = await repository.blobIdsAt(asked);
  const held = new Set(asked.filter((question, index) => found[index] === question.event.blobId));
  for (const event of inMerges) {
    // The first parent, in the merge's order, that had the blob at that path.
    const holder = asked.find((question) => question.event === event && held.has(question));
    if (holder) event.parentId = holder.commitId;
  }
}

/**
 * Where branches removed a secret apart (a feature branch, then main), the removal that counts is the
 * one in HEAD's history. Asked only for findings not at HEAD with removals in more than one commit, one
 * `merge-base --is-ancestor` per such commit.
 */
async function removalsInHeadHistory(
  findings: readonly Finding[],
  blobsOf: ReadonlyMap<Finding, ReadonlySet<string>>,
  events: readonly BlobEvent[],
  atHead: ReadonlySet<string>,
  headCommitId: string,
  repository: GitRepository,
): Promise<Set<string>> {
  const inHistory = new Set<string>();
  if (!headCommitId) return inHistory;
  const asked = new Set<string>();
  for (const finding of findings) {
    const blobs = blobsOf.get(finding)!;
    if ([...blobs].some((id) => atHead.has(id))) continue;
    const commits = new Set(removalsOf(blobs, events).map((event) => event.commit.id));
    if (commits.size > 1) for (const commit of commits) asked.add(commit);
  }
  for (const commit of asked) if (await repository.isAncestor(commit, headCommitId)) inHistory.add(commit);
  return inHistory;
}

/**
 * A secret not at HEAD may live on in another ref: a branch not merged, a tag, a stash, a cherry-pick on
 * a release branch, whether or not HEAD's history removed it. Each ref's tip is asked for each path the
 * secret lived under, all in one `cat-file --batch-check`: a ref holds it when the answer is one of its
 * blobs, or when the ref points at such a blob itself. The newest holding tip is its last commit.
 *
 * Refs are asked by the commit they point at, each commit once (a thousand tags on a few commits ask a
 * few). Not by date: committer dates need not grow along a history (`git am`, a skewed clock), so a tip
 * older than the secret can hold it. A ref that points at no commit through one tag (a tag of a tag, of a
 * tree) is asked by name.
 */
async function nameRefsStillHolding(findings: readonly Finding[], blobsOf: ReadonlyMap<Finding, ReadonlySet<string>>, repository: GitRepository): Promise<void> {
  const notAtHead = findings.filter((finding) => finding.exposure && !finding.exposure.atHead);
  if (notAtHead.length === 0) return;
  const refs = await repository.refs();
  const tipOf = (ref: GitRef) => ref.tip?.commitId ?? ref.name;
  const questions = new Map<string, { commitId: string; path: string }>();
  const tips = new Set(refs.map(tipOf));
  for (const finding of notAtHead) {
    for (const tip of tips) {
      for (const path of finding.exposure!.paths) questions.set(`${tip}\0${path}`, { commitId: tip, path });
    }
  }
  const asked = [...questions.keys()];
  const found = new Map((await repository.blobIdsAt([...questions.values()])).map((id, index) => [asked[index]!, id]));
  const byName = await repository.commitsOf(refs.filter((ref) => ref.tip === undefined).map((ref) => ref.name));
  for (const finding of notAtHead) {
    const blobs = blobsOf.get(finding)!;
    const holders = refs.filter((ref) => blobs.has(ref.objectId) || finding.exposure!.paths.some((path) => blobs.has(found.get(`${tipOf(ref)}\0${path}`) ?? '')));
    if (holders.length === 0) continue;
    const holdingTips: RefTip[] = holders.flatMap((ref) => {
      const tip = ref.tip ?? byName.get(ref.name);
      return tip ? [{ ref: ref.shortName, commitId: 'commitId' in tip ? tip.commitId : tip.id, date: tip.date }] : [];
    });
    stillHeldOn(finding.exposure!, await newestFirst(holdingTips, repository), holders.map((ref) => ref.shortName).sort());
  }
}

/**
 * Tips by date, the newest first. Of tips made in the same second, one whose history holds another's
 * comes first (one `merge-base --independent`, only when the newest date is shared by several commits).
 */
async function newestFirst(tips: RefTip[], repository: GitRepository): Promise<RefTip[]> {
  const sorted = [...tips].sort((a, b) => Date.parse(b.date) - Date.parse(a.date));
  const newest = sorted[0];
  if (!newest) return sorted;
  const tied = [...new Set(sorted.filter((tip) => Date.parse(tip.date) === Date.parse(newest.date)).map((tip) => tip.commitId))];
  if (tied.length < 2) return sorted;
  const independent = await repository.independentOf(tied);
  return [...sorted.filter((tip) => independent.has(tip.commitId)), ...sorted.filter((tip) => !independent.has(tip.commitId))];
}

function blobIdOf(occurrence: Occurrence): string[] {
  return occurrence.provenance.kind === 'git' ? [occurrence.provenance.blobId] : [];
}

function placeOf(occurrence: Occurrence): { blobId: string; path: string }[] {
  const { provenance } = occurrence;
  return provenance.kind === 'git' ? [{ blobId: provenance.blobId, path: provenance.path }] : [];
}

/** One occurrence per path a blob was committed under (a rename or a copy is another place). */
function spreadOverPaths(occurrences: Occurrence[], events: readonly BlobEvent[]): Occurrence[] {
  // Each occurrence with the commit that added it at its path, if the log knows one.
  const spread: { occurrence: Occurrence; added?: BlobEvent }[] = [];
  for (const occurrence of occurrences) {
    const { provenance } = occurrence;
    if (provenance.kind !== 'git') {
      spread.push({ occurrence });
      continue;
    }
    const additions = events.filter((event) => event.kind === 'added' && event.blobId === provenance.blobId).sort(olderFirst);
    const firstByPath = new Map<string, BlobEvent>();
    for (const event of additions) if (!firstByPath.has(event.path)) firstByPath.set(event.path, event);
    if (firstByPath.size === 0) spread.push({ occurrence });
    for (const [path, event] of firstByPath) {
      spread.push({ occurrence: { ...occurrence, provenance: { ...provenance, path }, introducedIn: event.commit }, added: event });
    }
  }
  // Every version of a file that kept the secret is another blob at the same path: one place, first seen.
  const firstPerPath = new Map<string, Occurrence>();
  for (const { occurrence } of spread.sort((a, b) => (a.added && b.added ? olderFirst(a.added, b.added) : a.added ? 1 : b.added ? -1 : 0))) {
    const key = `${occurrence.provenance.kind}\0${occurrence.provenance.path}`;
    if (!firstPerPath.has(key)) firstPerPath.set(key, occurrence);
  }
  return [...firstPerPath.values()].sort((a, b) => a.provenance.path.localeCompare(b.provenance.path) || a.line - b.line);
}
