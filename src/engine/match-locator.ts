/**
 * Turns a match's byte offsets into what a person reads: line, column and a snippet of the line around
 * the secret. Shared by the chunked scan and the scan of a file's changed lines (changed-region.ts).
 */
import type { RawMatch } from '../detectors/pattern.js';
import { redact } from '../findings/secret.js';
import type { LocatedMatch } from './worker-protocol.js';

const SNIPPET_CONTEXT_CHARS = 80;
/** The most bytes a snippet shows on either side of its secret: its characters take up to four bytes each. */
export const SNIPPET_REACH_BYTES = SNIPPET_CONTEXT_CHARS * 4;
const NEWLINE = 0x0a;

/** Where buffer[0] sits in the file. */
export interface ChunkPosition {
  fileOffset: number;
  linesBefore: number;
  columnBefore: number;
}

/**
 * Turns byte offsets into lines, columns and snippets for matches sorted by offset, walking the chunk
 * once: a minified file with thousands of candidates on one megabyte-long line costs linear time.
 */
export class MatchLocator {
  private offset = 0;
  private line: number;
  /** Offset of the current line's start in the chunk, or -1 while the line began in an earlier chunk. */
  private lineStart = -1;
  /** The column cursor: UTF-16 units from the line start to `columnOffset`. */
  private columnOffset = 0;
  private column: number;
  private readonly reach: number[];
  /** The first byte a snippet may show: past a byte-order mark. */
  private readonly contextFrom: number;

  /**
   * `others`: every secret in the chunk, sorted by offset (those not reported too, such as lines with
   * `sprawl:allow`, and those of the chunk before that reach into it). A snippet shows the line around its
   * own secret, and another secret on that line is shown redacted, never raw, whatever `--show-secrets`
   * says of the snippet's own. `contextTo`: where the overlap with the next chunk starts, whose secrets
   * are that chunk's to find; a snippet shows nothing from there.
   */
  constructor(
    private readonly chunk: Buffer,
    private readonly position: ChunkPosition,
    private readonly others: readonly RawMatch[] = [],
    private readonly contextTo = chunk.length,
  ) {
    // How far the secrets reach: the largest end among the first i + 1 of `others`, never decreasing.
    let reach = 0;
    this.reach = others.map((other) => (reach = Math.max(reach, other.secretEnd)));
    this.line = position.linesBefore + 1;
    this.column = position.columnBefore;
    const bomBytes = byteOrderMarkBytes(chunk, position.fileOffset);
    this.columnOffset = bomBytes;
    this.contextFrom = bomBytes;
  }

  locate(match: RawMatch): LocatedMatch {
    const { chunk } = this;
    const { secretStart, secretEnd } = match;
    this.advanceTo(secretStart);
    const line = this.line;
    const column = this.column + 1;
    const newlinesInSecret = countNewlines(chunk, secretStart, secretEnd);
    const endColumn =
      newlinesInSecret === 0
        ? column + chunk.toString('utf8', secretStart, secretEnd).length
        : chunk.toString('utf8', chunk.lastIndexOf(NEWLINE, secretEnd - 1) + 1, secretEnd).length + 1;
    const snippetStart = Math.min(secretStart, Math.max(this.lineStart, secretStart - SNIPPET_REACH_BYTES, this.contextFrom));
    const afterWindow = chunk.subarray(secretEnd, Math.max(secretEnd, Math.min(this.contextTo, secretEnd + SNIPPET_REACH_BYTES)));
    const newlineAfter = afterWindow.indexOf(NEWLINE);
    const before = this.context(snippetStart, secretStart, match).slice(-SNIPPET_CONTEXT_CHARS);
    const after = this.context(secretEnd, secretEnd + (newlineAfter < 0 ? afterWindow.length : newlineAfter), match)
      .replace(/\r$/, '')
      .slice(0, SNIPPET_CONTEXT_CHARS);
    return {
      ruleId: match.ruleId,
      secret: match.secret,
      line,
      column,
      endLine: line + newlinesInSecret,
      endColumn,
      byteOffset: this.position.fileOffset + secretStart,
      before,
      after,
      ...(match.verdict ? { verdict: match.verdict } : {}),
      ...(match.allowed ? { allowed: match.allowed } : {}),
      ...(match.decodedVia ? { decodedVia: match.decodedVia } : {}),
    };
  }

  /**
   * The text of `chunk` from `start` to `end` with the other matches in it redacted: a secret wholly inside
   * shows as its redacted form, one cut by either end as `…` (its visible part could be most of it).
   */
  private context(start: number, end: number, self: RawMatch): string {
    const { chunk, others } = this;
    let text = '';
    let at = start;
    for (let index = this.firstReaching(start); index < others.length && others[index]!.secretStart < end; index++) {
      const other = others[index]!;
      if (other === self || other.secretEnd <= at || (other.secretStart === self.secretStart && other.secretEnd === self.secretEnd)) continue;
      const from = Math.max(at, other.secretStart);
      text += chunk.toString('utf8', at, from);
      text += other.secretStart >= start && other.secretEnd <= end ? redact(other.secret) : '…';
      at = Math.min(end, other.secretEnd);
    }
    return text + chunk.toString('utf8', at, end);
  }

  /** The first index of `others` from which a secret may reach past `offset`. */
  private firstReaching(offset: number): number {
    const { reach } = this;
    let low = 0;
    let high = reach.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (reach[middle]! <= offset) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Moves the line and column cursors forward to `target` (offsets only ever grow). */
  private advanceTo(target: number): void {
    const { chunk } = this;
    if (target < this.offset) throw new Error('MatchLocator offsets must not go backwards');
    for (let at = chunk.indexOf(NEWLINE, this.offset); at >= 0 && at < target; at = chunk.indexOf(NEWLINE, at + 1)) {
      this.line++;
      this.lineStart = at + 1;
    }
    this.offset = target;
    if (this.lineStart > this.columnOffset) {
      // A newline was crossed: count the column from the new line's start.
      this.columnOffset = this.lineStart;
      this.column = 0;
    }
    this.column += chunk.toString('utf8', this.columnOffset, target).length;
    this.columnOffset = target;
  }
}

/**
 * The length of a UTF-8 byte-order mark that opens the input at `chunk[0]`, else 0. It is no character of
 * the first line: editors and code scanning count columns after it (a UTF-16 file's mark is gone already,
 * decoded away), and a snippet does not show it.
 */
export function byteOrderMarkBytes(chunk: Buffer, fileOffset: number): number {
  return fileOffset === 0 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf ? 3 : 0;
}

export function countNewlines(bytes: Buffer, from: number, to: number): number {
  let count = 0;
  for (let at = bytes.indexOf(NEWLINE, from); at >= 0 && at < to; at = bytes.indexOf(NEWLINE, at + 1)) count++;
  return count;
}
