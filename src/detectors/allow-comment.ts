/**
 * Inline suppression: a line that contains `sprawl:allow` (in any comment syntax, with an optional reason
 * after it) does not raise findings. The finding is still counted and reported as suppressed, so an
 * audit (`--no-ignore`) can see what was allowed and why.
 * Only the 4 KiB on either side of the secret are searched, so a megabyte-long minified line with
 * thousands of candidates costs linear time, not quadratic.
 */
export const ALLOW_MARKER = 'sprawl:allow';
const MARKER = Buffer.from(ALLOW_MARKER);
const NEWLINE = 0x0a;
const SEARCH_WINDOW_BYTES = 4096;

export function allowCommentOn(bytes: Buffer, start: number, end: number): { reason: string } | undefined {
  const windowStart = Math.max(0, start - SEARCH_WINDOW_BYTES);
  const windowEnd = Math.min(bytes.length, end + SEARCH_WINDOW_BYTES);
  const before = bytes.subarray(windowStart, start);
  const lineStart = windowStart + before.lastIndexOf(NEWLINE) + 1;
  const newlineAfter = bytes.subarray(end, windowEnd).indexOf(NEWLINE);
  const lineEnd = newlineAfter < 0 ? windowEnd : end + newlineAfter;
  const markerAt = bytes.subarray(lineStart, lineEnd).indexOf(MARKER);
  if (markerAt < 0) return undefined;
  const reason = bytes
    .toString('utf8', lineStart + markerAt + MARKER.length, lineEnd)
    .replace(/\*\/|-->|#}|%>|\r/g, '')
    .replace(/^[\s:=-]+/, '')
    .trim();
  return { reason };
}
