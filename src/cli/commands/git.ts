/**
 * `sprawl git [REPO]`: every blob in the history (or in `--range A..B`, a branch, a date window), scanned
 * once each, then the findings attributed to the commits that added and removed them.
 */
import type { Finding, Occurrence } from '../../findings/finding.js';
import type { BlobEvent, RefTip } from '../../findings/exposure.js';
import { exposureOf, olderFirst, stillHeldOn } from '../../findings/exposure.js';
import type { GitRepository } from '../../sources/git.js';
import { blobEventsOf, historyLog, type HistoryLog } from '../../sources/git-attribution.js';
import { listHistory, type HistorySelection } from '../../sources/git-history.js';
import { scanAndReport, type ScanCommandOptions } from '../scan-pipeline.js';

export type GitCommandOptions = ScanCommandOptions & HistorySelection & { all?: boolean };

export async function runGit(repositoryPath: string, options: GitCommandOptions): Promise<number> {
  const history = await listHistory(
    repositoryPath,
    {
      ...(options.range ? { range: options.range } : {}),
      ...(options.branch && !options.all ? { branch: options.branch } : {}),
      ...(options.since ? { since: options.since } : {}),
      ...(options.until ? { until: options.until } : {}),
    },
    { exclude: options.exclude ?? [], useIgnoreFiles: options.ignore },
  );
  // The commit log is read only when something was found, and then at once, beside the rest of the scan.
  // (HEAD's tree the listing has read already, for ignore files and submodules; the repository keeps it.)
  let log: Promise<HistoryLog> | undefined;
  const startLog = () => (log ??= historyLog(history.repository, history.revisionArgs));
  return scanAndReport(
    {
      ...history,
      onFirstMatch: () => {
        // A failure is reported when the answer is awaited.
        void startLog().catch(() => undefined);
      },
      enrich: async (findings) => {
        const blobIds = new Set(findings.flatMap((finding) => finding.occurrences.flatMap(blobIdOf)));
        if (blobIds.size === 0) return;
        const events = await startLog().then((log) => blobEventsOf(log, history.repository, history.revisionArgs, blobIds));
        // Still at HEAD: asked only for these blobs, at every path they were committed under.
        const places = [...events.filter((event) => event.kind === 'added'), ...findings.flatMap((finding) => finding.occurrences.flatMap(placeOf))];
        const atHead = await history.repository.blobsAtHead(places);
        // A narrowed scan knows only the paths its commits gave: a blob renamed since is looked for by id.
        const unanswered = new Set([...blobIds].filter((id) => !atHead.has(id)));
        if (!history.wholeHistory && unanswered.size > 0) for (const id of await history.repository.blobsInHeadTree(unanswered)) atHead.add(id);
        const head = { commitId: (await history.repository.headTree()).commitId, blobIds: atHead };
        const blobsOf = new Map<Finding, Set<string>>();
        for (const finding of findings) {
          const findingBlobs = new Set(finding.occurrences.flatMap(blobIdOf));
          blobsOf.set(finding, findingBlobs);
          const exposure = exposureOf(findingBlobs, events, head);
          if (exposure) finding.exposure = exposure;
          finding.occurrences = spreadOverPaths(finding.occurrences, events);
        }
        await nameRefsStillHolding(findings, blobsOf, history.repository);
      },
    },
    options,
  );
}

/**
 * A secret not at HEAD may live on in another ref: a branch not merged, a tag, a stash, whether or not
 * HEAD's history removed it. The refs whose history holds the commit that added it are the candidates
 * (one `for-each-ref --contains` per such commit); those whose tip still has one of its blobs at one of
 * its paths hold it (one `cat-file --batch-check` for all of them). Most scans have no such secret.
 */
async function nameRefsStillHolding(findings: readonly Finding[], blobsOf: ReadonlyMap<Finding, ReadonlySet<string>>, repository: GitRepository): Promise<void> {
  const refsByCommit = new Map<string, Promise<RefTip[]>>();
  for (const finding of findings) {
    const exposure = finding.exposure;
    if (!exposure || exposure.atHead) continue;
    const commit = exposure.firstCommit.id;
    if (!refsByCommit.has(commit)) refsByCommit.set(commit, repository.refsContaining(commit));
    const candidates = await refsByCommit.get(commit)!;
    const asked = candidates.flatMap((tip) => exposure.paths.map((path) => ({ tip, commitId: tip.commitId, path })));
    const found = await repository.blobIdsAt(asked);
    const blobs = blobsOf.get(finding) ?? new Set();
    const holders = [...new Set(asked.filter((_, index) => blobs.has(found[index]!)).map((question) => question.tip))];
    if (holders.length > 0) stillHeldOn(exposure, holders);
  }
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
