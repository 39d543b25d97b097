/**
 * Scans one file in bounded memory: reads it in chunks that overlap by more than the longest secret, so a
 * secret across a chunk boundary is seen whole in one chunk and reported once, and keeps a running line
 * count so line numbers stay right across chunks. Binary files are recognised by a NUL byte in the first
 * 8 KiB (git's own test) and skipped.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { findMatches, type RawMatch } from '../detectors/pattern.js';
import type { CompiledRuleset } from '../ruleset/compile-rules.js';
import type { FileOutcome, LocatedMatch } from './worker-protocol.js';

/** Bytes scanned per step. Large enough that per-chunk overhead is noise, small enough for many workers. */
export const CHUNK_BYTES = 1024 * 1024;
/** Longer than any secret a rule captures (an RSA-8192 PEM block is ~6.5 KB), so none is cut in two. */
export const OVERLAP_BYTES = 16 * 1024;
const BINARY_SNIFF_BYTES = 8000;
const SNIPPET_CONTEXT_CHARS = 80;
const NEWLINE = 0x0a;

export interface FileScanInput {
  absolutePath: string;
  relativePath: string;
}

export function scanFile(input: FileScanInput, ruleset: CompiledRuleset, buffer: Buffer = Buffer.allocUnsafe(CHUNK_BYTES + OVERLAP_BYTES)): FileOutcome {
  let fd: number;
  try {
    fd = openSync(input.absolutePath, 'r');
  } catch (error) {
    return { relativePath: input.relativePath, kind: 'skipped', reason: 'unreadable', detail: errorCode(error) };
  }
  try {
    if (!fstatSync(fd).isFile()) return { relativePath: input.relativePath, kind: 'skipped', reason: 'special-file' };
    return scanOpenFile(fd, input.relativePath, ruleset, buffer);
  } catch (error) {
    return { relativePath: input.relativePath, kind: 'skipped', reason: 'unreadable', detail: errorCode(error) };
  } finally {
    closeSync(fd);
  }
}

function scanOpenFile(fd: number, relativePath: string, ruleset: CompiledRuleset, buffer: Buffer): FileOutcome {
  const matches: LocatedMatch[] = [];
  let carried = 0; // bytes at the start of `buffer` kept from the previous chunk (its overlap)
  let fileOffset = 0; // file offset of buffer[0]
  let linesBefore = 0; // newlines in the file before buffer[0]
  let columnBefore = 0; // UTF-16 units between the last newline before buffer[0] and buffer[0]
  let totalBytes = 0;
  let isFirstChunk = true;

  for (;;) {
    const read = readFully(fd, buffer, carried);
    totalBytes += read;
    const filled = carried + read;
    const isLastChunk = filled < buffer.length;
    if (isFirstChunk && buffer.subarray(0, Math.min(filled, BINARY_SNIFF_BYTES)).includes(0)) {
      return { relativePath, kind: 'skipped', reason: 'binary' };
    }
    isFirstChunk = false;
    const chunk = buffer.subarray(0, filled);
    // Matches starting in the overlap belong to the next chunk, which sees them whole.
    const acceptBefore = isLastChunk ? filled : filled - OVERLAP_BYTES;
    for (const match of findMatches(chunk, ruleset, { acceptBefore })) {
      matches.push(locate(match, chunk, { fileOffset, linesBefore, columnBefore }));
    }
    if (isLastChunk) break;
    linesBefore += countNewlines(chunk, 0, acceptBefore);
    // A line longer than a chunk continues into the next one: carry its column forward.
    const lastNewline = acceptBefore === 0 ? -1 : chunk.lastIndexOf(NEWLINE, acceptBefore - 1);
    columnBefore = (lastNewline < 0 ? columnBefore : 0) + chunk.toString('utf8', lastNewline + 1, acceptBefore).length;
    buffer.copy(buffer, 0, acceptBefore, filled);
    fileOffset += acceptBefore;
    carried = filled - acceptBefore;
  }
  return { relativePath, kind: 'scanned', bytes: totalBytes, matches };
}

function readFully(fd: number, buffer: Buffer, from: number): number {
  let total = 0;
  while (from + total < buffer.length) {
    const read = readSync(fd, buffer, from + total, buffer.length - from - total, null);
    if (read === 0) break;
    total += read;
  }
  return total;
}

/** Where buffer[0] sits in the file. */
interface ChunkPosition {
  fileOffset: number;
  linesBefore: number;
  columnBefore: number;
}

function locate(match: RawMatch, chunk: Buffer, position: ChunkPosition): LocatedMatch {
  const { secretStart, secretEnd } = match;
  const newlineBefore = secretStart === 0 ? -1 : chunk.lastIndexOf(NEWLINE, secretStart - 1);
  const lineStart = newlineBefore + 1;
  // No newline before the secret in this chunk: its line began in an earlier chunk.
  const columnBase = newlineBefore < 0 ? position.columnBefore : 0;
  const line = position.linesBefore + countNewlines(chunk, 0, secretStart) + 1;
  const column = columnBase + chunk.toString('utf8', lineStart, secretStart).length + 1;
  const newlinesInSecret = countNewlines(chunk, secretStart, secretEnd);
  const endColumn =
    newlinesInSecret === 0
      ? column + chunk.toString('utf8', secretStart, secretEnd).length
      : chunk.toString('utf8', chunk.lastIndexOf(NEWLINE, secretEnd - 1) + 1, secretEnd).length + 1;
  let lineEnd = chunk.indexOf(NEWLINE, secretEnd);
  if (lineEnd < 0) lineEnd = chunk.length;
  const before = chunk.toString('utf8', Math.max(lineStart, secretStart - SNIPPET_CONTEXT_CHARS * 4), secretStart).slice(-SNIPPET_CONTEXT_CHARS);
  const after = chunk.toString('utf8', secretEnd, Math.min(lineEnd, secretEnd + SNIPPET_CONTEXT_CHARS * 4)).replace(/\r$/, '').slice(0, SNIPPET_CONTEXT_CHARS);
  return {
    ruleId: match.ruleId,
    secret: match.secret,
    line,
    column,
    endLine: line + newlinesInSecret,
    endColumn,
    byteOffset: position.fileOffset + secretStart,
    before,
    after,
    ...(match.verdict ? { verdict: match.verdict } : {}),
    ...(match.allowed ? { allowed: match.allowed } : {}),
  };
}

function countNewlines(bytes: Buffer, from: number, to: number): number {
  let count = 0;
  for (let at = bytes.indexOf(NEWLINE, from); at >= 0 && at < to; at = bytes.indexOf(NEWLINE, at + 1)) count++;
  return count;
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}
