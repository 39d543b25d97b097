/**
 * Scans a new version of a file by what changed since the version before it, whose matches are known.
 *
 * Why: in a history most blobs are an edit of another blob at the same path, and most of their bytes are
 * the bytes of that version (measured: 46 % of this repository's history, half of the benchmark's). The
 * lines well before the first changed byte, and well after the last, hold the same matches as before: at
 * the same place before the change, shifted by the edit after it. Only the changed lines and a margin
 * around them are scanned; the matches of the rest are carried over from the version before.
 *
 * Why it finds what a whole scan finds:
 * - A rule reads less than `MARGIN_BYTES` of text before its secret and after it (the widest built-in,
 *   a Kubernetes Secret in JSON, up to about 700 bytes between `"kind"` and the value). The carried parts
 *   end and begin on line boundaries at least that far from any changed byte, so every match carried
 *   over has the same bytes, and the same bytes around it, as in the version before.
 * - The scanned part reads `MARGIN_BYTES` of lines before the first line it keeps matches from, so a
 *   match there sees the lines before it that its rule may read.
 * - A match that lies across a boundary between the parts, in either version, sends the file to a whole
 *   scan, and so does a keyword of a `multiline` rule anywhere near the change: such matches can be
 *   longer than any margin (a private key).
 * - Encoded text (`--decode`) is not split this way: an encoded run can be as long as a line.
 * Where a file changed nearly everywhere, the whole file is scanned: there is nothing to save.
 */
import { findMatches } from '../detectors/pattern.js';
import type { CompiledRuleset } from '../ruleset/compile-rules.js';
import type { ChunkedScanResult } from './chunked-scan.js';
import { MatchLimit } from './match-limit.js';
import { countNewlines, MatchLocator } from './match-locator.js';
import type { LocatedMatch } from './worker-protocol.js';

/** The version before: its bytes and every match a scan of it found (structural detectors' aside). */
export interface PreviousVersion {
  bytes: Buffer;
  matches: readonly LocatedMatch[];
}

/** More than any rule reads before or after its secret (see above). */
const MARGIN_BYTES = 1024;
/** How far from the change a `multiline` rule's keyword sends the file to a whole scan: its longest match. */
const MULTILINE_REACH_BYTES = 16 * 1024;
/** How far past the scanned lines the detector may read to finish a match that starts in them. */
const LOOK_PAST_BYTES = 32 * 1024;
/** Below this many bytes carried over, the bookkeeping is not worth it: the whole file is scanned. */
const MIN_CARRIED_BYTES = 4 * 1024;
/** Bytes compared at a time while looking for the first and last changed byte. */
const COMPARE_STEP = 4 * 1024;
const NEWLINE = 0x0a;

/**
 * The matches of `current`, scanning only what changed since `previous`; undefined when the file must be
 * scanned whole instead (see the conditions above). `current` must be the whole file.
 */
export function scanChangedRegion(previous: PreviousVersion, current: Buffer, ruleset: CompiledRuleset): ChunkedScanResult | undefined {
  if (ruleset.decodeDepth > 0) return undefined;
  const before = previous.bytes;
  const prefix = commonPrefixLength(before, current);
  const suffix = commonSuffixLength(before, current, Math.min(before.length, current.length) - prefix);
  // Matches ending by `carryBefore` are carried, and so are those starting from `carryFrom` (in the version
  // before: `carryFromBefore`); between them the current version is scanned.
  const carryBefore = lineStartAtOrBefore(current, prefix - MARGIN_BYTES);
  const carryFrom = lineEndAtOrAfter(current, current.length - suffix + MARGIN_BYTES);
  if (carryBefore + (current.length - carryFrom) < MIN_CARRIED_BYTES) return undefined;
  const carryFromBefore = carryFrom - current.length + before.length;
  const multiline = ruleset.multilineKeywords;
  if (multiline?.test(current.subarray(Math.max(0, carryBefore - MULTILINE_REACH_BYTES), Math.min(current.length, carryFrom + MULTILINE_REACH_BYTES)))) return undefined;
  if (previous.matches.some((match) => crosses(match, carryBefore) || crosses(match, carryFromBefore))) return undefined;

  const viewStart = lineStartAtOrBefore(current, carryBefore - MARGIN_BYTES);
  // The view reaches past the last line it keeps matches from as far as the detector looks (a wide second look).
  const view = current.subarray(viewStart, Math.min(current.length, carryFrom + LOOK_PAST_BYTES));
  const scanned = findMatches(view, ruleset, { acceptBefore: carryFrom - viewStart });
  const inView = (offset: number) => offset - viewStart;
  if (scanned.some((match) => match.secretStart < inView(carryBefore) && match.secretEnd > inView(carryBefore))) return undefined;
  if (scanned.some((match) => match.secretEnd > inView(carryFrom))) return undefined;
  const found = scanned.filter((match) => match.secretStart >= inView(carryBefore)).sort((a, b) => a.secretStart - b.secretStart);

  const matches: LocatedMatch[] = previous.matches.filter((match) => endOf(match) <= carryBefore);
  if (found.length > 0) {
    const others = [...scanned].sort((a, b) => a.secretStart - b.secretStart);
    const locator = new MatchLocator(view, { fileOffset: viewStart, linesBefore: countNewlines(current, 0, viewStart), columnBefore: 0 }, others);
    for (const match of found) matches.push(locator.locate(match));
  }
  const after = previous.matches.filter((match) => match.byteOffset >= carryFromBefore);
  if (after.length > 0) {
    // The carried lines start on a line boundary, so only the line numbers and byte offsets move.
    const lines = countNewlines(current, carryBefore, carryFrom) - countNewlines(before, carryBefore, carryFromBefore);
    const bytes = current.length - before.length;
    for (const match of after) matches.push({ ...match, byteOffset: match.byteOffset + bytes, line: match.line + lines, endLine: match.endLine + lines });
  }
  // Past a bound (see match-limit.ts), a whole scan decides which matches are kept, as for any version.
  const limit = new MatchLimit();
  if (!matches.every((match) => limit.admit(match.ruleId, match.secret))) return undefined;
  return { isBinary: false, bytes: current.length, matches, carriedBytes: carryBefore + (current.length - carryFrom) };
}

function endOf(match: LocatedMatch): number {
  return match.byteOffset + Buffer.byteLength(match.secret);
}

/** Whether the match's secret has bytes on both sides of `offset`. */
function crosses(match: LocatedMatch, offset: number): boolean {
  return match.byteOffset < offset && endOf(match) > offset;
}

function commonPrefixLength(a: Buffer, b: Buffer): number {
  const limit = Math.min(a.length, b.length);
  let same = 0;
  // Whole steps by a native comparison; then, within the first step that differs, halves of it.
  while (same + COMPARE_STEP <= limit && a.compare(b, same, same + COMPARE_STEP, same, same + COMPARE_STEP) === 0) same += COMPARE_STEP;
  for (let step = Math.min(COMPARE_STEP, limit - same); step > 0; step >>= 1) {
    while (same + step <= limit && a.compare(b, same, same + step, same, same + step) === 0) same += step;
  }
  return same;
}

/** The length of the common ending, at most `limit` (so that it does not overlap the common prefix). */
function commonSuffixLength(a: Buffer, b: Buffer, limit: number): number {
  const sameEnding = (length: number, step: number) => a.compare(b, b.length - length - step, b.length - length, a.length - length - step, a.length - length) === 0;
  let same = 0;
  while (same + COMPARE_STEP <= limit && sameEnding(same, COMPARE_STEP)) same += COMPARE_STEP;
  for (let step = Math.min(COMPARE_STEP, limit - same); step > 0; step >>= 1) {
    while (same + step <= limit && sameEnding(same, step)) same += step;
  }
  return same;
}

/** The start of the line holding `offset` (0 for an offset before the start). */
function lineStartAtOrBefore(bytes: Buffer, offset: number): number {
  if (offset <= 0) return 0;
  return bytes.lastIndexOf(NEWLINE, offset - 1) + 1;
}

/** The start of the first line that begins at or after `offset` (the end for an offset past the last line). */
function lineEndAtOrAfter(bytes: Buffer, offset: number): number {
  if (offset >= bytes.length) return bytes.length;
  if (offset > 0 && bytes[offset - 1] === NEWLINE) return offset;
  const newline = bytes.indexOf(NEWLINE, offset);
  return newline < 0 ? bytes.length : newline + 1;
}
