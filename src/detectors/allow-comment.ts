/**
 * Inline suppression: a line that contains `sprawl:allow` (in any comment syntax, with an optional reason
 * after it) does not raise findings. The finding is still counted and reported as suppressed, so an
 * audit (`--no-ignore`) can see what was allowed and why.
 */
const MARKER = Buffer.from('sprawl:allow');
const NEWLINE = 0x0a;

export function allowCommentOn(bytes: Buffer, start: number, end: number): { reason: string } | undefined {
  // lastIndexOf with a negative offset would count from the end, so a match at 0 needs its own case.
  const lineStart = start === 0 ? 0 : bytes.lastIndexOf(NEWLINE, start - 1) + 1;
  let lineEnd = bytes.indexOf(NEWLINE, Math.max(end - 1, lineStart));
  if (lineEnd < 0) lineEnd = bytes.length;
  const markerAt = bytes.indexOf(MARKER, lineStart);
  if (markerAt < 0 || markerAt >= lineEnd) return undefined;
  const reason = bytes
    .toString('utf8', markerAt + MARKER.length, lineEnd)
    .replace(/\*\/|-->|#}|%>|\r/g, '')
    .replace(/^[\s:=-]+/, '')
    .trim();
  return { reason };
}
