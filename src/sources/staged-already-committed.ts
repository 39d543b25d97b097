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
import { looksBinary, utf16EncodingOf } from '../engine/chunked-scan.js';
import type { GitRepository } from './git.js';

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
  const texts = new Map<string, string>();
  const wanted = new Set(candidates.flatMap(({ occurrence, version }) => [version.blobId, ...(committedOf.get(occurrence.provenance.path) ?? []).map((committed) => committed.blobId)]));
  for await (const { id, bytes } of repository.readBlobs([...wanted])) {
    const text = bytes === null ? undefined : textOf(bytes);
    if (text !== undefined) texts.set(id, text);
  }
  // Per staged path and exact text: how many staged occurrences hold it, against each committed version's count.
  const groups = new Map<string, { occurrences: Occurrence[]; span: string; committed: CommittedVersion[] }>();
  for (const { occurrence, version } of candidates) {
    const stagedText = texts.get(version.blobId);
    if (stagedText === undefined) continue; // compressed: new, to be safe
    const span = textAt(stagedText, occurrence);
    if (span === undefined || span.length === 0) continue;
    const key = `${occurrence.provenance.path}\0${span}`;
    const group = groups.get(key) ?? { occurrences: [], span, committed: committedOf.get(occurrence.provenance.path) ?? [] };
    group.occurrences.push(occurrence);
    groups.set(key, group);
  }
  for (const group of groups.values()) {
    const holder = group.committed.find((committed) => {
      const text = texts.get(committed.blobId);
      return text !== undefined && countUnallowed(text, group.span) >= group.occurrences.length;
    });
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
  const asked = IN_PROGRESS_REFS.flatMap((ref) => [...versions.keys()].map((path) => ({ ref, commitId: ref, path })));
  const found = await repository.blobIdsAt(asked);
  asked.forEach(({ ref, path }, index) => {
    if (found[index]) committed.get(path)!.push({ ref, path, blobId: found[index]! });
  });
  return committed;
}

/** The text an occurrence covers, by its 1-based lines and UTF-16 columns (after a byte-order mark). */
export function textAt(text: string, occurrence: Pick<Occurrence, 'line' | 'column' | 'endLine' | 'endColumn'>): string | undefined {
  const start = offsetOf(text, occurrence.line, occurrence.column);
  const end = offsetOf(text, occurrence.endLine, occurrence.endColumn);
  return start === undefined || end === undefined || end < start ? undefined : text.slice(start, end);
}

function offsetOf(text: string, line: number, column: number): number | undefined {
  let lineStart = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let at = 1; at < line; at++) {
    const newline = text.indexOf('\n', lineStart);
    if (newline < 0) return undefined;
    lineStart = newline + 1;
  }
  const offset = lineStart + column - 1;
  return offset <= text.length ? offset : undefined;
}

/**
 * The text the engine located the occurrence in: UTF-16 decoded (its byte-order mark gone, as the engine
 * counts columns), UTF-8 as it is. Other content with NUL bytes (gzip, archives) is scanned decompressed,
 * where these positions do not point into the blob: undefined, and the occurrence counts as new.
 */
function textOf(bytes: Buffer): string | undefined {
  const encoding = utf16EncodingOf(bytes);
  if (encoding) return new TextDecoder(encoding).decode(bytes);
  return looksBinary(bytes) ? undefined : bytes.toString('utf8');
}

/** Copies of `part` in `text`, leaving out those on a `sprawl:allow` line: an allowed copy does not excuse a new one. */
function countUnallowed(text: string, part: string): number {
  let count = 0;
  for (let at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length)) {
    const lineEnd = text.indexOf('\n', at + part.length);
    const line = text.slice(text.lastIndexOf('\n', at) + 1, lineEnd < 0 ? text.length : lineEnd);
    if (!line.includes(ALLOW_MARKER)) count++;
  }
  return count;
}
