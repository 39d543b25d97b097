/**
 * Turns a match's byte offsets into what a person reads: line, column and a snippet of the line around
 * the secret. Shared by the chunked scan and the scan of a file's changed lines (changed-region.ts).
 */
import type { RawMatch } from '../detectors/pattern.js';
import type { LocatedMatch } from './worker-protocol.js';

const SNIPPET_CONTEXT_CHARS = 80;
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

  constructor(
    private readonly chunk: Buffer,
    private readonly position: ChunkPosition,
  ) {
    this.line = position.linesBefore + 1;
    this.column = position.columnBefore;
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
    const snippetStart = Math.max(this.lineStart, secretStart - SNIPPET_CONTEXT_CHARS * 4, 0);
    const afterWindow = chunk.subarray(secretEnd, Math.min(chunk.length, secretEnd + SNIPPET_CONTEXT_CHARS * 4));
    const newlineAfter = afterWindow.indexOf(NEWLINE);
    const before = chunk.toString('utf8', snippetStart, secretStart).slice(-SNIPPET_CONTEXT_CHARS);
    const after = afterWindow
      .toString('utf8', 0, newlineAfter < 0 ? afterWindow.length : newlineAfter)
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

export function countNewlines(bytes: Buffer, from: number, to: number): number {
  let count = 0;
  for (let at = bytes.indexOf(NEWLINE, from); at >= 0 && at < to; at = bytes.indexOf(NEWLINE, at + 1)) count++;
  return count;
}
