/**
 * Secrets inside encoded text: a token base64'd into a Kubernetes manifest or a JSON log field,
 * percent-encoded in a URL, hex-dumped, or `\u0041`-escaped in JSON. Runs that look encoded are decoded,
 * the decoded text is scanned with the same rules, and that is repeated up to `depth` levels
 * (base64 of JSON of a URL-encoded token is three). A match inside decoded text is reported at the
 * encoded span of the original bytes, with the decodings that led to it (`base64 > percent`).
 *
 * Cost is bounded: only runs of a minimum length are decoded, decoded text must be mostly printable
 * (a base64 image decodes to binary and is dropped after its first bytes), and a chunk decodes at most a
 * fixed number of runs.
 */
import RE2 from 're2';
import { allowCommentOn } from './allow-comment.js';
import { findMatches, type RawMatch } from './pattern.js';
import type { CompiledRuleset } from '../ruleset/compile-rules.js';

/** Shorter runs decode to fewer bytes than any credential a rule captures. */
const MIN_BASE64_RUN = 32;
const MIN_HEX_RUN = 32;
/** Bounds on the work per chunk: decoding must not cost more than the scan it extends. */
export const MAX_ENCODED_RUNS_PER_CHUNK = 1000;
export const MAX_DECODED_KIB_PER_CHUNK = 256;
const MAX_DECODED_BYTES_PER_CHUNK = MAX_DECODED_KIB_PER_CHUNK * 1024;
/** A longer run is a blob (an inline image, a source map), not a credential's wrapping. */
const MAX_SPAN_BYTES = 16 * 1024;
const PRINTABLE_SAMPLE_BYTES = 256;
const MIN_PRINTABLE_SHARE = 0.9;

export type Encoding = 'base64' | 'percent' | 'hex' | 'unicode-escape';

export interface EncodedMatch extends RawMatch {
  /** The decodings, outermost first, that turned the encoded span into the text the rule matched. */
  decodedVia: Encoding[];
}

interface Span {
  start: number;
  end: number;
  encoding: Encoding;
}

// RE2 over the bytes: linear time, byte offsets, and no string copy of the chunk.
const SPAN_PATTERNS: readonly [RE2, Encoding][] = [
  // Base64 stands alone as a value (quoted, assigned, a field, a word of a log line); a run glued to a
  // `.` or `(` is an identifier of minified code, and decoding those cost 10x the scan.
  [new RE2(`(?:^|[\\s"'=:,(\\[>])([A-Za-z0-9+/_-]{${MIN_BASE64_RUN},}={0,2})(?:$|[\\s"',;)\\]<&])`, 'gm'), 'base64'],
  [new RE2(`(?:[0-9a-fA-F]{2}){${MIN_HEX_RUN / 2},}`, 'g'), 'hex'],
  // Two or more escapes of characters URLs do encode (space to '~' punctuation, UTF-8): `a%10` in code is
  // arithmetic, and a lone escape rarely hides a credential.
  [new RE2('[^\\s"\'<>%]*(?:%(?:[2-7][0-9A-Fa-f]|[C-Fc-f][0-9A-Fa-f])[^\\s"\'<>%]*){2,}', 'g'), 'percent'],
  [new RE2('(?:[A-Za-z0-9_.-]*\\\\u[0-9A-Fa-f]{4}){4,}[A-Za-z0-9_.-]*', 'g'), 'unicode-escape'],
];

/**
 * Matches found only after decoding, located at the encoded spans of `bytes`. Matches already found in
 * the plain text are not repeated.
 */
export function findEncodedMatches(
  bytes: Buffer,
  ruleset: CompiledRuleset,
  options: { depth: number; acceptFrom?: number; acceptBefore?: number; /** Told when the bounds left runs undecoded. */ onCut?: () => void },
): EncodedMatch[] {
  if (options.depth < 1) return [];
  const acceptFrom = options.acceptFrom ?? 0;
  const acceptBefore = options.acceptBefore ?? bytes.length;
  const found: EncodedMatch[] = [];
  let spansLeft = MAX_ENCODED_RUNS_PER_CHUNK;
  let decodedBytesLeft = MAX_DECODED_BYTES_PER_CHUNK;
  // Collected before any decoding: the span patterns are shared, and the recursion below reuses them.
  const spans = [...encodedSpans(bytes)].filter((span) => span.start >= acceptFrom && span.start < acceptBefore && span.end - span.start <= MAX_SPAN_BYTES);
  for (const span of spans) {
    if (spansLeft-- <= 0 || decodedBytesLeft <= 0) {
      options.onCut?.();
      break;
    }
    const decoded = decode(bytes.toString('latin1', span.start, span.end), span.encoding);
    if (!decoded || !isMostlyPrintable(decoded)) continue;
    decodedBytesLeft -= decoded.length;
    const inner: EncodedMatch[] = [
      ...findMatches(decoded, ruleset).map((match) => ({ ...match, decodedVia: [] as Encoding[] })),
      ...findEncodedMatches(decoded, ruleset, { depth: options.depth - 1 }),
    ];
    // An allow comment is on the line of the encoded run, not inside the decoded text.
    const allowed = inner.length > 0 ? allowCommentOn(bytes, span.start, span.end) : undefined;
    for (const { allowed: _inner, ...match } of inner) {
      found.push({
        ...match,
        ...(allowed ? { allowed } : {}),
        // Reported where a person can find it: the encoded run in the original bytes.
        secretStart: span.start,
        secretEnd: span.end,
        decodedVia: [span.encoding, ...match.decodedVia],
      });
    }
  }
  return found;
}

function* encodedSpans(bytes: Buffer): Iterable<Span> {
  for (const [pattern, encoding] of SPAN_PATTERNS) {
    pattern.lastIndex = 0;
    for (let match = pattern.exec(bytes); match !== null; match = pattern.exec(bytes)) {
      // The run is group 1 where the pattern also matches what surrounds it (base64), else the match.
      const groups = match as unknown as (Buffer | undefined)[];
      const whole = groups[0]!;
      const run = groups[1] ?? whole;
      const start = groups[1] !== undefined ? match.index + whole.indexOf(run) : match.index;
      if (whole.length === 0) {
        pattern.lastIndex++;
        continue;
      }
      // The closing delimiter may open the next value: step back onto it.
      if (groups[1] !== undefined) pattern.lastIndex = start + run.length;
      if (encoding === 'base64' && !looksLikeBase64(run)) continue;
      if (encoding === 'percent' && run.length < 12) continue;
      yield { start, end: start + run.length, encoding };
    }
  }
}

/**
 * Base64 of text mixes cases and digits or ends in padding; an identifier (`get_user_profile_settings`)
 * or a hex run (decoded as hex instead) does not.
 */
function looksLikeBase64(run: Buffer): boolean {
  let upper = false;
  let lower = false;
  let digitOrSymbol = false;
  let hexOnly = true;
  for (const byte of run) {
    if (byte >= 0x41 && byte <= 0x5a) upper = true;
    else if (byte >= 0x61 && byte <= 0x7a) lower = true;
    else if ((byte >= 0x30 && byte <= 0x39) || byte === 0x2b || byte === 0x2f || byte === 0x3d) digitOrSymbol = true;
    if (!((byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46))) hexOnly = false;
  }
  return upper && lower && digitOrSymbol && !hexOnly;
}

function decode(encoded: string, encoding: Encoding): Buffer | undefined {
  try {
    switch (encoding) {
      case 'base64': {
        const isUrlSafe = /[-_]/.test(encoded);
        const bytes = Buffer.from(encoded, isUrlSafe ? 'base64url' : 'base64');
        return bytes.length >= 16 ? bytes : undefined;
      }
      case 'hex':
        return encoded.length % 2 === 0 ? Buffer.from(encoded, 'hex') : undefined;
      case 'percent': {
        const decoded = decodeURIComponent(encoded.replace(/\+/g, ' '));
        return decoded === encoded ? undefined : Buffer.from(decoded);
      }
      case 'unicode-escape':
        return Buffer.from(encoded.replace(/\\u([0-9A-Fa-f]{4})/g, (_escape, code: string) => String.fromCharCode(parseInt(code, 16))));
    }
  } catch {
    return undefined; // malformed percent-encoding and the like: not encoded text after all
  }
}

function isMostlyPrintable(bytes: Buffer): boolean {
  const sample = bytes.subarray(0, PRINTABLE_SAMPLE_BYTES);
  let printable = 0;
  for (const byte of sample) if ((byte >= 0x20 && byte < 0x7f) || byte === 0x0a || byte === 0x0d || byte === 0x09 || byte >= 0xc2) printable++;
  return printable >= sample.length * MIN_PRINTABLE_SHARE;
}
