/**
 * Which staged findings the commit does not add. A pre-commit hook scans whole staged files, so a file
 * that already holds a committed secret would block every later commit that touches any other line of
 * it, and the only ways out (rewrite history, or `--no-verify`) teach people to skip the hook. gitleaks'
 * `protect --staged` answers with added lines only; that still blocks a commit that moves or re-indents
 * the secret's line, and misses nothing more. sprawl compares text instead: an occurrence is already
 * committed when its exact text (the secret, or the encoded run it was found in) is in a committed
 * version of the file at least as many times as the staged version holds it: HEAD's (under the old name
 * for a rename) and, while a merge, a cherry-pick or a rebase stopped on a conflict is concluded, the
 * commit it brings in (MERGE_HEAD, CHERRY_PICK_HEAD, REBASE_HEAD), whose secrets are in history already
 * (without a conflict, none of them runs the pre-commit hook at all). A new copy, in the same file or
 * another, is still new, and blocks.
 *
 * Such occurrences are still reported (`alreadyCommitted`), as suppressed: they do not fail the run, and
 * `sprawl staged` names them in a note, since a committed secret needs rotating whoever committed it.
 */
import type { CommittedRef, Finding, Occurrence } from '../findings/finding.js';
import { isSuppressed } from '../findings/finding.js';
import { ALLOW_MARKER } from '../detectors/allow-comment.js';
import { archiveFormatOf } from '../engine/archive-entries.js';
import { isGzip, looksBinary, utf16EncodingOf } from '../engine/chunked-scan.js';
import { gitOutput, type GitRepository } from './git.js';
import { parseRawDiff } from './git-raw-row.js';

/** A staged path and, when it was in HEAD (modified, or renamed), the committed version to compare with. */
export interface StagedVersion {
  blobId: string;
  previous?: { blobId: string; path: string };
}

/** A committed version of a staged file: the ref it is in, the path it has there, its blob. */
interface CommittedVersion {
  ref: CommittedRef;
  path: string;
  blobId: string;
}

export async function markAlreadyCommitted(findings: readonly Finding[], repository: GitRepository, versions: ReadonlyMap<string, StagedVersion>): Promise<void> {
  // Occurrences that could be old: in a staged file, not inside an archive (an archive entry's line and
  // column are the inner file's), not already suppressed.
  const candidates: { finding: Finding; occurrence: Occurrence; version: StagedVersion }[] = [];
  for (const finding of findings) {
    for (const occurrence of finding.occurrences) {
      if (occurrence.provenance.kind !== 'staged' || occurrence.entry !== undefined || isSuppressed(occurrence)) continue;
      const version = versions.get(occurrence.provenance.path);
      if (version) candidates.push({ finding, occurrence, version });
    }
  }
  if (candidates.length === 0) return;
  const committedOf = await committedVersions(repository, new Map(candidates.map(({ occurrence, version }) => [occurrence.provenance.path, version])));
  // A file no commit holds (a new one) has nothing to compare with: its secrets are new.
  const comparable = candidates.filter(({ occurrence }) => (committedOf.get(occurrence.provenance.path) ?? []).length > 0);
  const texts = new Map<string, string>();
  const wanted = new Set(comparable.flatMap(({ occurrence, version }) => [version.blobId, ...committedOf.get(occurrence.provenance.path)!.map((committed) => committed.blobId)]));
  for await (const { id, bytes } of repository.readBlobs([...wanted])) {
    const text = bytes === null ? undefined : textOf(bytes);
    if (text !== undefined) texts.set(id, text);
  }
  // Per staged path and exact text: how many staged occurrences hold it, against each committed version's count.
  const groups = new Map<string, { occurrences: Occurrence[]; span: string; committed: CommittedVersion[] }>();
  const linesOf = new Map<string, TextLines>();
  for (const { occurrence, version } of comparable) {
    const stagedText = texts.get(version.blobId);
    if (stagedText === undefined) continue; // compressed: new, to be safe
    const lines = linesOf.get(version.blobId) ?? new TextLines(stagedText);
    linesOf.set(version.blobId, lines);
    const span = lines.textAt(occurrence);
    if (span === undefined || span.length === 0) continue;
    const key = `${occurrence.provenance.path}\0${span}`;
    const group = groups.get(key) ?? { occurrences: [], span, committed: committedOf.get(occurrence.provenance.path)! };
    group.occurrences.push(occurrence);
    groups.set(key, group);
  }
  // Each committed text is searched once for all the texts asked of it (a staged dump asks thousands).
  const spansOf = new Map<string, Set<string>>();
  for (const group of groups.values()) {
    for (const committed of group.committed) spansOf.set(committed.blobId, (spansOf.get(committed.blobId) ?? new Set()).add(group.span));
  }
  const countsOf = new Map([...spansOf].map(([blobId, spans]) => [blobId, unallowedCounts(texts.get(blobId) ?? '', spans)]));
  for (const group of groups.values()) {
    const holder = group.committed.find((committed) => (countsOf.get(committed.blobId)?.get(group.span) ?? 0) >= group.occurrences.length);
    if (holder) for (const occurrence of group.occurrences) occurrence.alreadyCommitted = { ref: holder.ref, path: holder.path };
  }
  for (const { finding } of candidates) finding.suppressed = finding.occurrences.every(isSuppressed);
}

/**
 * The commits whose content a commit being concluded brings in (a merge, a cherry-pick or a rebase
 * stopped on a conflict): what they hold is committed already. Absent when nothing is in progress.
 */
const IN_PROGRESS_REFS = ['MERGE_HEAD', 'CHERRY_PICK_HEAD', 'REBASE_HEAD'] as const;

/** The committed versions of each staged path: HEAD's (from the listing), and those of a merge, cherry-pick or rebase in progress. */
async function committedVersions(repository: GitRepository, versions: ReadonlyMap<string, StagedVersion>): Promise<Map<string, CommittedVersion[]>> {
  const committed = new Map<string, CommittedVersion[]>();
  for (const [path, version] of versions) committed.set(path, version.previous ? [{ ref: 'HEAD', ...version.previous }] : []);
  // One `cat-file --batch-check` asks them all; a ref that does not exist answers "missing" for each path.
  // `MERGE_HEAD:` (its tree) says whether a merge is in progress at all.
  const paths = [...versions.keys()];
  const record = async (asked: { ref: CommittedRef; commitId: string; path: string }[]) => {
    const found = await repository.blobIdsAt(asked);
    asked.forEach(({ ref, path }, index) => {
      if (found[index] && path !== '') committed.get(path)!.push({ ref, path, blobId: found[index]! });
    });
    return found;
  };
  const probe = { ref: 'MERGE_HEAD' as const, commitId: 'MERGE_HEAD', path: '' };
  // git leaves REBASE_HEAD behind when a rebase ends: it counts only while one is in progress.
  const refs = IN_PROGRESS_REFS.filter((ref) => ref !== 'REBASE_HEAD' || repository.isRebasing());
  const found = await record([...refs.flatMap((ref) => paths.map((path) => ({ ref, commitId: ref as string, path }))), probe]);
  if (found[found.length - 1] !== '') {
    // An octopus merge names several commits in MERGE_HEAD, of which `MERGE_HEAD` resolves to the first.
    const others = (await repository.mergeHeads()).slice(1);
    if (others.length > 0) await record(others.flatMap((commitId) => paths.map((path) => ({ ref: 'MERGE_HEAD' as const, commitId, path }))));
    // A file HEAD renamed that the merged branch edited is there under its old name: git's own rename
    // pairing between the merged commit and the index says which.
    const unpaired = paths.filter((path) => !committed.get(path)!.some((version) => version.ref === 'MERGE_HEAD'));
    if (unpaired.length > 0) {
      const renamed = new Map(
        parseRawDiff(await gitOutput(repository.root, ['diff-index', '--cached', '--raw', '-z', '--no-abbrev', '--find-renames', '-l20000', 'MERGE_HEAD', '--']).catch(() => ''))
          .filter((change) => change.previous && change.previous.path !== change.path)
          .map((change) => [change.path, change.previous!]),
      );
      for (const path of unpaired) {
        const before = renamed.get(path);
        if (before) committed.get(path)!.push({ ref: 'MERGE_HEAD', ...before });
      }
    }
  }
  return committed;
}

/** A text with where each of its lines starts, so that an occurrence's text is found without walking the lines again. */
export class TextLines {
  private readonly starts: number[];

  constructor(private readonly text: string) {
    // Columns count after a byte-order mark.
    this.starts = [text.charCodeAt(0) === 0xfeff ? 1 : 0];
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) this.starts.push(at + 1);
  }

  /** The text an occurrence covers, by its 1-based lines and UTF-16 columns. */
  textAt(occurrence: Pick<Occurrence, 'line' | 'column' | 'endLine' | 'endColumn'>): string | undefined {
    const start = this.offsetOf(occurrence.line, occurrence.column);
    const end = this.offsetOf(occurrence.endLine, occurrence.endColumn);
    return start === undefined || end === undefined || end < start ? undefined : this.text.slice(start, end);
  }

  private offsetOf(line: number, column: number): number | undefined {
    const lineStart = this.starts[line - 1];
    if (lineStart === undefined) return undefined;
    const offset = lineStart + column - 1;
    return offset <= this.text.length ? offset : undefined;
  }
}

/**
 * The text the engine located the occurrence in: UTF-16 decoded (its byte-order mark gone, as the engine
 * counts columns), UTF-8 as it is. Other content with NUL bytes (gzip, archives) is scanned decompressed,
 * where these positions do not point into the blob: undefined, and the occurrence counts as new.
 */
function textOf(bytes: Buffer): string | undefined {
  // Told as the engine tells them, by their opening: a gzip header need hold no NUL byte early on.
  if (isGzip(bytes) || archiveFormatOf(bytes) !== undefined) return undefined;
  const encoding = utf16EncodingOf(bytes);
  if (encoding) return new TextDecoder(encoding).decode(bytes);
  return looksBinary(bytes) ? undefined : bytes.toString('utf8');
}

/** Below this many texts to count, each is looked for on its own; above, all of one length at once. */
const ONE_BY_ONE_MAX = 32;
/** Lengths searched by a window of their own; texts of further lengths are looked for one by one. */
const WINDOWED_LENGTHS_MAX = 16;

/**
 * How many copies of each of `spans` `text` holds, leaving out those on a `sprawl:allow` line: an allowed
 * copy does not excuse a new one. Copies of one text do not overlap. Many texts (a staged dump's
 * thousands of tokens, most of one format, so of a few lengths) are counted by sliding a window of each
 * length over the text once and looking each window up: linear in the text, where one search per token
 * was quadratic.
 */
function unallowedCounts(text: string, spans: ReadonlySet<string>): Map<string, number> {
  const counts = new Map<string, number>();
  const byLength = new Map<number, Set<string>>();
  for (const span of spans) byLength.set(span.length, (byLength.get(span.length) ?? new Set()).add(span));
  const windowed = spans.size <= ONE_BY_ONE_MAX ? [] : [...byLength.entries()].sort((a, b) => b[1].size - a[1].size).slice(0, WINDOWED_LENGTHS_MAX);
  const windowedLengths = new Set(windowed.map(([length]) => length));
  for (const span of spans) if (!windowedLengths.has(span.length)) counts.set(span, countOneByOne(text, span));
  for (const [length, ofLength] of windowed) {
    const nextFree = new Map<string, number>();
    for (let at = 0; at + length <= text.length; at++) {
      const window = text.slice(at, at + length);
      if (!ofLength.has(window) || at < (nextFree.get(window) ?? 0)) continue;
      nextFree.set(window, at + length);
      if (!isOnAllowedLine(text, at, length)) counts.set(window, (counts.get(window) ?? 0) + 1);
    }
  }
  return counts;
}

function countOneByOne(text: string, span: string): number {
  let count = 0;
  for (let at = text.indexOf(span); at >= 0; at = text.indexOf(span, at + span.length)) if (!isOnAllowedLine(text, at, span.length)) count++;
  return count;
}

function isOnAllowedLine(text: string, at: number, length: number): boolean {
  const lineEnd = text.indexOf('\n', at + length);
  return text.slice(text.lastIndexOf('\n', at) + 1, lineEnd < 0 ? text.length : lineEnd).includes(ALLOW_MARKER);
}
