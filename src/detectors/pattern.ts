/**
 * The pattern detector: finds rule matches in a chunk of bytes and returns them at byte offsets.
 *
 * Why blocks: a megabyte of real code contains "key", "token" and "secret" somewhere, so choosing rules
 * per chunk would run almost every context rule over every byte (measured: ~2 MB/s with 600 rules).
 * Instead the chunk is cut into blocks of a few kilobytes; the keyword set runs once per block (with a
 * margin on each side, so a keyword just across the edge still counts), and a rule's regex runs only on
 * the windows of the blocks where one of its keywords occurs. A match belongs to the block it starts in,
 * so neighbouring windows never report it twice. `multiline` rules, whose matches can outgrow a window,
 * run over the whole chunk when any block holds their keyword.
 *
 * Bytes stay bytes: only the captured values become strings. Entropy floors and offline validators drop
 * what is not a credential; a `generic` rule's match gives way to a specific rule's on the same bytes.
 */
import type { CompiledPart, CompiledRule, CompiledRuleset } from '../ruleset/compile-rules.js';
import { PRECEDED_BY_REACH, type BeforeCheck } from '../ruleset/fast-pattern.js';
import { allowCommentOn } from './allow-comment.js';
import { shannonEntropy } from './entropy.js';
import { isPublishedExample } from './published-examples.js';
import type { MatchedAround, ValidatorSettings, ValidatorVerdict } from './validators/validator.js';

/** Bytes per block; small enough to keep rules off text without their keywords, large enough to amortise calls. */
export const BLOCK_BYTES = 4 * 1024;
/**
 * How far a window reaches past its block: longer than nearly every single-line match. A longer one runs
 * into the window's edge and gets a second look with a wide window (see collectRuleMatches).
 */
export const WINDOW_MARGIN_BYTES = 256;
/** How far a second look reaches when a match ran into a window edge in the middle of a long line. */
const WIDE_MARGIN_BYTES = 16 * 1024;
const NEWLINE = 0x0a;

/**
 * Six or more of one masking character (`xxxxxx`, `******`, `000000`) never occur in a real random token
 * by chance, and are how documentation writes placeholders. Applies to every rule.
 */
const PLACEHOLDER_RUN = /([xX*#0.•])\1{5}/;

export interface RawMatch {
  ruleId: string;
  /** Byte offsets of the secret in the scanned buffer. */
  secretStart: number;
  secretEnd: number;
  /** The captured value. Plain string only inside the engine; `findings/secret.ts` wraps it on arrival. */
  secret: string;
  /** The validator's verdict, where the rule has one (never `reject`: those are dropped here). */
  verdict?: Exclude<ValidatorVerdict, { kind: 'reject' }>;
  /** Set when the line carries a `sprawl:allow` comment. */
  allowed?: { reason: string };
  /** Set when the secret was found inside encoded text: the decodings, outermost first; the offsets are the encoded span's. */
  decodedVia?: string[];
}

export interface FindMatchesOptions {
  /**
   * Matches that start before this offset belong to the chunk before: the bytes up to it are there to be
   * read as what comes before a match (a word boundary, `preceded_by`, a `sprawl:allow` on the line).
   */
  acceptFrom?: number;
  /** Matches that start at or after this offset belong to the next chunk (they are in its overlap). */
  acceptBefore?: number;
  /** Rules not to run: those that met more different values than their bound in this input (see match-limit.ts). */
  skipRules?: ReadonlySet<string> | undefined;
}

/**
 * Where one call's matches are collected, emptied at the start of each call (no call runs inside another).
 * One array for all calls, made to hold objects from the start: a fresh `[]` holds small integers until
 * its first match arrives, so the detector met arrays of two hidden classes (elements kinds), and in about
 * one run in eight V8 fell into a loop of bailing out of the same optimised findMatches at
 * `matches.length`, 700–1,100 times per scan. Measured over 30 runs since: no loop.
 */
const collected: RawMatch[] = [{ ruleId: '', secretStart: 0, secretEnd: 0, secret: '' }];
collected.length = 0;

/** Windows that woke some part, counted over all calls in this thread (see `CompiledPart.lastWindow`). */
let windowsWithHits = 0;

export function findMatches(bytes: Buffer, ruleset: CompiledRuleset, options: FindMatchesOptions = {}): RawMatch[] {
  const acceptFrom = options.acceptFrom ?? 0;
  const acceptBefore = options.acceptBefore ?? bytes.length;
  const skipRules = options.skipRules;
  const keywordSet = ruleset.keywordSet;
  if (!keywordSet) return [];
  const matches = collected;
  matches.length = 0;
  let wholeChunkParts: Set<CompiledPart> | undefined;
  // The chunk's own end is a cut too, unless this is the last chunk of the input.
  const chunkEndIsCut = acceptBefore < bytes.length;

  for (let blockStart = acceptFrom; blockStart < acceptBefore; ) {
    const blockEnd = blockBoundaryAfter(bytes, Math.min(blockStart + BLOCK_BYTES, acceptBefore), acceptBefore);
    const windowStart = lineStartNear(bytes, Math.max(0, blockStart - WINDOW_MARGIN_BYTES), blockStart);
    const windowEnd = lineEndNear(bytes, Math.min(bytes.length, blockEnd + WINDOW_MARGIN_BYTES));
    const window = bytes.subarray(windowStart, windowEnd);
    const hits = keywordSet.match(window);
    if (hits.length > 0) {
      // A part woken by several keywords of the window runs once: marked with the window's number, not
      // kept in a set made for each window (a third of the objects a worker made, counted on real code).
      const windowNumber = ++windowsWithHits;
      // One window for every part the block wakes, not a copy of the view each.
      const spec: WindowSpec = { windowStart, windowEnd, acceptFrom: blockStart, acceptTo: blockEnd, chunkEndIsCut, settings: ruleset.settings, window };
      for (const hit of hits) {
        for (const group of ruleset.groupsOfKeyword(hit)) {
          // The gate of parts that share an opening: where it finds nothing, none of them can match.
          if (!group.admits(window)) continue;
          for (const part of group.parts) {
            if (part.lastWindow === windowNumber) continue;
            part.lastWindow = windowNumber;
            if (skipRules !== undefined && skipRules.has(part.rule.spec.id)) continue;
            if (part.rule.spec.multiline) (wholeChunkParts ??= new Set()).add(part);
            else if (!collectRuleMatches(part, bytes, spec, matches)) {
              // A match ran into a window edge cut mid-line (a minified file): it may be cut short, or an
              // artefact of the cut (`$`, `\b`). Look again with a window wider than any secret; what still
              // runs into an edge there is no credential (it is longer than the chunk overlap).
              lookWider(part, bytes, spec, matches);
            }
          }
        }
      }
    }
    blockStart = blockEnd;
  }
  if (wholeChunkParts !== undefined) runOverWholeChunk(wholeChunkParts, bytes, acceptFrom, acceptBefore, ruleset, matches);
  if (matches.length === 0) return [];
  // The caller's own array (and `collected` empty again for the next call).
  return dropGenericOverlaps(dropSplitRuleOverlaps(matches.splice(0), ruleset), ruleset);
}

/*
 * The two rare paths live in functions of their own, so that V8 does not compile findMatches' hot loop
 * before they ever ran and then throw that code away when they first do.
 */

/** The second look, with a window wider than any secret, for a part whose match ran into a cut window edge. */
function lookWider(part: CompiledPart, bytes: Buffer, spec: WindowSpec, into: RawMatch[]): void {
  const windowStart = Math.max(0, spec.windowStart - WIDE_MARGIN_BYTES);
  const windowEnd = Math.min(bytes.length, spec.windowEnd + WIDE_MARGIN_BYTES);
  collectRuleMatches(part, bytes, { windowStart, windowEnd, acceptFrom: spec.acceptFrom, acceptTo: spec.acceptTo, chunkEndIsCut: spec.chunkEndIsCut, settings: spec.settings, window: undefined }, into);
}

/** `multiline` parts, whose matches can outgrow a window, run over the whole chunk. */
function runOverWholeChunk(parts: ReadonlySet<CompiledPart>, bytes: Buffer, acceptFrom: number, acceptBefore: number, ruleset: CompiledRuleset, into: RawMatch[]): void {
  const spec: WindowSpec = { windowStart: 0, windowEnd: bytes.length, acceptFrom, acceptTo: acceptBefore, chunkEndIsCut: acceptBefore < bytes.length, settings: ruleset.settings, window: undefined };
  for (const part of parts) collectRuleMatches(part, bytes, spec, into);
}

/** Ends a block at a newline when one is near, so most windows hold whole lines. */
function blockBoundaryAfter(bytes: Buffer, target: number, limit: number): number {
  if (target >= limit) return limit;
  const newline = bytes.subarray(target, Math.min(limit, target + WINDOW_MARGIN_BYTES)).indexOf(NEWLINE);
  return newline < 0 ? target : target + newline + 1;
}

/** The start of the line holding `from`, if it begins after `floor`'s margin; else `from` itself. */
function lineStartNear(bytes: Buffer, from: number, blockStart: number): number {
  if (from === 0) return 0;
  const newline = bytes.subarray(from, blockStart).indexOf(NEWLINE);
  return newline < 0 ? from : from + newline + 1;
}

function lineEndNear(bytes: Buffer, to: number): number {
  if (to >= bytes.length) return bytes.length;
  const newline = bytes.subarray(to - Math.min(to, WINDOW_MARGIN_BYTES / 2), to).lastIndexOf(NEWLINE);
  return newline < 0 ? to : to - Math.min(to, WINDOW_MARGIN_BYTES / 2) + newline + 1;
}

interface WindowSpec {
  windowStart: number;
  windowEnd: number;
  /** Keep matches that start in `[acceptFrom, acceptTo)`. */
  acceptFrom: number;
  acceptTo: number;
  /** The chunk continues in the next one, so its last byte is not the end of the input. */
  chunkEndIsCut: boolean;
  /** The project's thresholds, for validators that judge by them. */
  settings: ValidatorSettings;
  /** `bytes[windowStart, windowEnd)`, when the caller has it already. Always present, so that every spec has one shape. */
  window: Buffer | undefined;
}

/**
 * Runs one rule over `bytes[windowStart, windowEnd)`. A match that touches an edge cutting a line in two
 * is not kept (it may be cut short, or made by the cut), and the result is false so that the caller can
 * look again with a wider window.
 */
function collectRuleMatches(part: CompiledPart, bytes: Buffer, spec: WindowSpec, into: RawMatch[]): boolean {
  const { windowStart, windowEnd, acceptFrom, acceptTo } = spec;
  const window = spec.window ?? (windowStart === 0 && windowEnd === bytes.length ? bytes : bytes.subarray(windowStart, windowEnd));
  // No match can start before the part's case-sensitive opening, which the keyword set (blind to case)
  // does not promise is there at all: a native search for it often spares the regex, even its compiling.
  const exactPrefix = part.exactPrefix;
  const from = exactPrefix === undefined ? 0 : window.indexOf(exactPrefix);
  if (from < 0 || !part.mayMatch(window)) return true;
  const { regex, rule, before } = part;
  const startIsCut = windowStart > 0 && bytes[windowStart - 1] !== NEWLINE;
  const endIsCut = windowEnd < bytes.length ? bytes[windowEnd - 1] !== NEWLINE : spec.chunkEndIsCut;
  let edgesHeld = true;
  regex.lastIndex = from;
  for (let found = regex.exec(window); found !== null; found = regex.exec(window)) {
    if (found[0].length === 0) regex.lastIndex++; // an empty match must not stall the walk
    const matchStart = windowStart + found.index;
    if (before && !holdsBefore(before, bytes, matchStart)) {
      // The opening taken off the pattern (see fast-pattern.ts) does not hold here; a match can still start further on.
      regex.lastIndex = found.index + 1;
      continue;
    }
    if (matchStart < acceptFrom) continue;
    if (matchStart >= acceptTo) break;
    if ((startIsCut && found.index === 0) || (endIsCut && found.index + Buffer.byteLength(found[0] as unknown as Buffer) >= window.length)) {
      edgesHeld = false;
      continue;
    }
    const span = secretSpanOf(rule, found.indices);
    if (!span || span[0] === span[1]) continue; // a user's pattern whose group can be empty: an empty capture is no secret
    const secretStart = windowStart + span[0];
    const secretEnd = windowStart + span[1];
    const secret = bytes.toString('utf8', secretStart, secretEnd);
    if (PLACEHOLDER_RUN.test(secret)) continue;
    if (rule.spec.minEntropy !== undefined && shannonEntropy(secret) < rule.spec.minEntropy) continue;
    const verdict = rule.validator?.check(secret, spec.settings, aroundOf(found.groups));
    // Hashed only once the rule would report the value: most candidate values are rejected before.
    if (verdict?.kind === 'reject' || isPublishedExample(secret)) continue;
    const allowed = allowCommentOn(bytes, secretStart, secretEnd);
    into.push({
      ruleId: rule.spec.id,
      secretStart,
      secretEnd,
      secret,
      ...(verdict ? { verdict } : {}),
      ...(allowed ? { allowed } : {}),
    });
  }
  return edgesHeld;
}

type MatchIndices = RegExpIndicesArray | undefined;

/**
 * What the match names besides the secret, as strings (RE2 gives a Buffer's groups as Buffers). RE2 wants
 * each group name once, so a pattern that names the user in two alternatives calls the second `user2`.
 */
function aroundOf(groups: Record<string, unknown> | undefined): MatchedAround | undefined {
  const user = groups?.user ?? groups?.user2;
  return user === undefined ? undefined : { user: String(user) };
}

/** Whether what must come before a match (see fast-pattern.ts) holds at `offset`; the buffer's start counts as a text start. */
function holdsBefore(check: BeforeCheck, bytes: Buffer, offset: number): boolean {
  // RE2's `\b`: an ASCII word character on exactly one side.
  if (check.wordBoundary && (offset > 0 && isWordByte(bytes[offset - 1]!)) === (offset < bytes.length && isWordByte(bytes[offset]!))) return false;
  if (check.allowedBytes && offset > 0) {
    const previous = bytes[offset - 1]!;
    if (!(check.multiline === true && previous === NEWLINE) && check.allowedBytes[previous] !== 1) return false;
  }
  if (check.precededBy) {
    const before = bytes.subarray(Math.max(0, offset - PRECEDED_BY_REACH), offset);
    if (!check.precededBy.test(before.subarray(before.lastIndexOf(NEWLINE) + 1))) return false;
  }
  return true;
}

function isWordByte(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte === 0x5f;
}

function secretSpanOf(rule: CompiledRule, indices: MatchIndices): [number, number] | undefined {
  if (!indices) return undefined;
  for (const group of rule.secretGroups) {
    const span = group === 1 ? indices[1] : indices.groups?.[group];
    if (span) return span;
  }
  return undefined;
}

/**
 * A rule split into parts (one per branch of a leading alternation) can find overlapping matches where
 * the whole pattern, walking left to right, would have found one: keep the first of each overlap.
 */
function dropSplitRuleOverlaps(matches: RawMatch[], ruleset: CompiledRuleset): RawMatch[] {
  const fromSplitRules = matches.filter((match) => ruleset.splitRuleIds.has(match.ruleId));
  if (fromSplitRules.length < 2) return matches;
  fromSplitRules.sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : a.secretStart - b.secretStart));
  const dropped = new Set<RawMatch>();
  let kept: RawMatch | undefined;
  for (const match of fromSplitRules) {
    if (kept && kept.ruleId === match.ruleId && kept.secretEnd > match.secretStart) dropped.add(match);
    else kept = match;
  }
  return dropped.size === 0 ? matches : matches.filter((match) => !dropped.has(match));
}

/**
 * Generic rules are the fallback: where a more specific rule found the same bytes, its match wins.
 * Specificity has three steps: provider rules, then generic rules of a provider (a loose Twitter
 * secret), then the catch-all `generic` provider (`password = "…"`).
 */
function dropGenericOverlaps(matches: RawMatch[], ruleset: CompiledRuleset): RawMatch[] {
  const levelOf = (match: RawMatch) => ruleset.specificityOf.get(match.ruleId) ?? 0;
  if (matches.every((match) => levelOf(match) === 0)) return matches;
  // A log full of `password=` lines has thousands of generic matches per chunk: answer "does a more
  // specific match overlap this one?" by binary search, not by comparing every pair.
  const moreSpecific = [1, 2].map((level) => overlapIndex(matches.filter((match) => levelOf(match) < level)));
  return matches.filter((match) => {
    const level = levelOf(match);
    return level === 0 || !moreSpecific[level - 1]!(match.secretStart, match.secretEnd);
  });
}

/** For spans sorted by start, with the running maximum of their ends: does any overlap [start, end)? */
function overlapIndex(spans: readonly RawMatch[]): (start: number, end: number) => boolean {
  const sorted = [...spans].sort((a, b) => a.secretStart - b.secretStart);
  const maxEndSoFar: number[] = [];
  for (const span of sorted) maxEndSoFar.push(Math.max(span.secretEnd, maxEndSoFar.at(-1) ?? -1));
  return (start, end) => {
    // The spans that start before `end`: the first `count` of them.
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (sorted[middle]!.secretStart < end) low = middle + 1;
      else high = middle;
    }
    return low > 0 && maxEndSoFar[low - 1]! > start;
  };
}
