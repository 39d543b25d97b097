/**
 * Rewrites a rule's pattern into the shape RE2 runs fastest, without changing what it matches.
 *
 * RE2 finds a pattern that begins with a literal (`ghp_`, `(?i)github`) with a memchr-style search for
 * that literal and runs its automaton only where the literal occurs: measured over source code, three
 * to five times faster than a pattern whose automaton must look at every byte. Three common openings
 * hide the literal:
 *
 * - a leading `\b` (most token rules);
 * - a one-character look-behind written as `(?:^|[^A-Za-z0-9_])` (generic assignment rules);
 * - an alternation of keywords, `(?i)(?:vault|token)…`.
 *
 * The first two come off the pattern and become a `BeforeCheck` that the detector tests on the byte
 * before each match (retrying one character further on when it fails, so the matches stay exactly the
 * full pattern's). An alternation is split into one pattern per branch, each starting with its own
 * literal; a branch runs only where a keyword it contains occurs (see `partsWokenBy` in compile-rules.ts),
 * so `(?:vault|token)` costs one fast search for `token` in a block that mentions only tokens.
 *
 * The rewriting is done on the pattern's text and errs towards leaving a pattern alone: anything it does
 * not recognise (a capture inside the alternation, an optional opening, a class after `\b`, a pattern that
 * is itself an alternation) stays as it was.
 */

/** What must hold just before a match: an opening taken off the pattern, and the rule's `preceded_by`. */
export interface BeforeCheck {
  /** `\b`: an ASCII word character on exactly one side of the match start. */
  wordBoundary?: true;
  /** `(?:^|[…])`: the byte before is in this class (`allowedBytes[byte] === 1`), or the match starts a line or the text. */
  allowedBytes?: Uint8Array;
  /** Whether `^` also holds after a newline (the pattern has the `m` flag). */
  multiline?: boolean;
  /** The rule's `preceded_by`, compiled by `precededByPattern`: tested on the line up to the match. */
  precededBy?: { test(text: Buffer): boolean };
}

/** How far back on a line `preceded_by` looks: further than any name in front of a keyword. */
export const PRECEDED_BY_REACH = 256;

/** A rule's `preceded_by` as the RE2 source that is run: anchored at the end of the text before the match. */
export function precededByPattern(precededBy: string): string {
  const flags = /^\(\?[a-zA-Z]+\)/.exec(precededBy)?.[0] ?? '';
  return `${flags}(?:${precededBy.slice(flags.length)})$`;
}

export interface PatternPart {
  /** RE2 source for this part. */
  pattern: string;
  before?: BeforeCheck;
  /** The literal every match of this part begins with, lower-cased; empty when unknown. Used to choose which keywords wake it. */
  literalPrefix: string;
  /**
   * The ways every match of this part can begin, lower-cased: the literal prefix carried on through
   * optional characters and small classes (`ado[_-]` begins `ado_` or `ado-`; `web_?identity`,
   * `webidentity` or `web_identity`). Each is a prefix of some matches, and every match begins with
   * one of them. A keyword that none of them holds need not wake the part (see compile-rules.ts).
   */
  openings: string[];
  /**
   * The same literal as written, when the pattern matches it case-sensitively (`EAA`, `re_`): the
   * keyword set matched it in any case, so the detector first looks for it as written.
   */
  exactPrefix?: string;
}

/** A character that stands for itself: plain, or punctuation escaped (`\.`; not `\d`, `\n`). */
const LITERAL_CHARACTER = /^(?:[A-Za-z0-9_'"=:,;@%&~<>/!-]|\\[^A-Za-z0-9])/;

/** Past this many branches, one automaton over the alternation is cheaper than a search per branch. */
const MAX_BRANCHES = 12;

export function fastPatternParts(pattern: string): PatternPart[] {
  return splitLeadingAlternation(pattern) ?? [wholePatternPart(pattern)];
}

/** One part per branch of a leading alternation, when the pattern has one that is worth splitting. */
export function splitLeadingAlternation(pattern: string): PatternPart[] | undefined {
  const { flags, leadingBoundary, body, multiline } = openingOf(pattern);
  const branches = leadingAlternation(body);
  if (!branches) return undefined;
  const parts = branches.branches.map((branch) => partOf(flags, leadingBoundary + branch + branches.rest, multiline));
  // Splitting pays only when every branch gets a fast literal search of its own.
  return parts.every((part) => part.literalPrefix.length > 0) ? parts : undefined;
}

/** The pattern as one part, its leading `\b` or look-behind taken off where a literal follows. */
export function wholePatternPart(pattern: string): PatternPart {
  const { flags, leadingBoundary, body, multiline } = openingOf(pattern);
  return partOf(flags, leadingBoundary + body, multiline);
}

function openingOf(pattern: string): { flags: string; leadingBoundary: string; body: string; multiline: boolean } {
  const flags = /^\(\?[a-zA-Z]+\)/.exec(pattern)?.[0] ?? '';
  const rest = pattern.slice(flags.length);
  const leadingBoundary = rest.startsWith('\\b') ? '\\b' : '';
  return { flags, leadingBoundary, body: rest.slice(leadingBoundary.length), multiline: /m/.test(flags.slice(2, -1)) };
}

function partOf(flags: string, body: string, multiline: boolean): PatternPart {
  let before: BeforeCheck | undefined;
  let rest = body;
  if (rest.startsWith('\\b') && startsWithRequiredLiteral(rest.slice(2))) {
    before = { wordBoundary: true };
    rest = rest.slice(2);
  } else {
    const lookBehind = /^\(\?:(?:\^\|(\[(?:\\.|[^\]\\])+\])|(\[(?:\\.|[^\]\\])+\])\|\^)\)/.exec(rest);
    const allowedBytes = lookBehind ? byteTableOf(lookBehind[1] ?? lookBehind[2]!, /i/.test(flags)) : undefined;
    if (lookBehind && allowedBytes && startsWithRequiredLiteral(rest.slice(lookBehind[0].length))) {
      before = { allowedBytes, multiline };
      rest = rest.slice(lookBehind[0].length);
    }
  }
  const prefix = literalPrefixOf(rest);
  const caseSensitive = !/i/.test(flags);
  // Every part has the same keys, absent ones undefined: one hidden class, so the detector's reads of them stay monomorphic.
  return { pattern: flags + rest, before, literalPrefix: prefix.toLowerCase(), openings: openingsOf(rest), exactPrefix: caseSensitive && prefix.length > 0 ? prefix : undefined };
}

/** `(?:a|b|c)REST` at the start of `body`: the branches and REST, when splitting keeps the meaning. */
function leadingAlternation(body: string): { branches: string[]; rest: string } | undefined {
  if (!body.startsWith('(?:')) return undefined;
  const group = topLevelBranches(body, 3);
  // A capture inside a branch would renumber the groups of the other branches' patterns.
  if (group.end === undefined || group.hasCapture) return undefined;
  const rest = body.slice(group.end + 1);
  const { branches } = group;
  if (branches.length < 2 || branches.length > MAX_BRANCHES || isOptionalQuantifier(body, group.end + 1) || /^[+{]/.test(rest) || hasTopLevelAlternation(rest)) return undefined;
  return { branches, rest };
}

/**
 * Whether every match of `pattern` begins with one literal character: a plain or escaped character,
 * possibly inside groups, that is neither optional nor one branch of an alternation. Errs towards no.
 */
export function startsWithRequiredLiteral(pattern: string): boolean {
  if (hasTopLevelAlternation(pattern)) return false;
  const { at, groupStarts } = skipGroupOpeners(pattern);
  const literal = LITERAL_CHARACTER.exec(pattern.slice(at));
  if (!literal || isOptionalQuantifier(pattern, at + literal[0].length)) return false;
  return groupStarts.every((start) => {
    const end = groupEnd(pattern, start);
    return end !== undefined && !isOptionalQuantifier(pattern, end + 1);
  });
}

/** The literal characters every match begins with (as far as they are plain), as written. */
function literalPrefixOf(pattern: string): string {
  return literalPrefixAndEnd(pattern).prefix;
}

/** `literalPrefixOf`, and the index in `pattern` where that literal ends. */
function literalPrefixAndEnd(pattern: string): { prefix: string; end: number } {
  if (!startsWithRequiredLiteral(pattern)) return { prefix: '', end: 0 };
  let { at } = skipGroupOpeners(pattern);
  let prefix = '';
  for (;;) {
    const literal = LITERAL_CHARACTER.exec(pattern.slice(at));
    if (!literal) break;
    const next = at + literal[0].length;
    // A quantified character is not part of every match (`ab?`), nor all of it (`ab+`).
    if (/^[?*+{]/.test(pattern.slice(next))) break;
    prefix += literalText(literal[0]);
    at = next;
  }
  return { prefix, end: at };
}

function literalText(literal: string): string {
  return literal.length === 2 ? literal[1]! : literal;
}

/** Past this many openings the list stops growing: each is compared with every keyword of the rule. */
const MAX_OPENINGS = 16;

/**
 * `PatternPart.openings`: the literal prefix, carried on through what follows it while that is a plain
 * character, an optional one (`_?`), or a class of up to four single characters (`[_.-]`, optional or
 * not). It stops at anything else, so each opening is a prefix of the matches that begin with it, and
 * the list covers every match.
 */
function openingsOf(pattern: string): string[] {
  const { prefix, end } = literalPrefixAndEnd(pattern);
  let openings = [prefix.toLowerCase()];
  if (prefix === '') return openings;
  for (let at = end; at < pattern.length; ) {
    const step = openingStepAt(pattern, at);
    if (!step) break;
    const grown = step.choices.flatMap((choice) => openings.map((opening) => opening + choice.toLowerCase()));
    const next = step.optional ? [...openings, ...grown] : grown;
    if (next.length > MAX_OPENINGS) break;
    openings = [...new Set(next)];
    at = step.end;
  }
  return openings;
}

/** One step of `openingsOf` at `at`: the characters a match may go on with there, and whether it may skip them. */
function openingStepAt(pattern: string, at: number): { choices: string[]; optional: boolean; end: number } | undefined {
  const rest = pattern.slice(at);
  let choices: string[];
  let length: number;
  const literal = LITERAL_CHARACTER.exec(rest);
  if (literal) {
    choices = [literalText(literal[0])];
    length = literal[0].length;
  } else if (rest.startsWith('[')) {
    const close = classEnd(pattern, at);
    const members = smallClassMembers(pattern.slice(at + 1, close));
    if (!members) return undefined;
    choices = members;
    length = close + 1 - at;
  } else {
    return undefined;
  }
  const after = rest.slice(length);
  if (/^[*+{]/.test(after)) return undefined;
  if (after.startsWith('?')) return { choices, optional: true, end: at + length + (after.startsWith('??') ? 2 : 1) };
  return { choices, optional: false, end: at + length };
}

/** The characters of a class body like `_.-` or `\-_`, when it lists at most four single characters and no range or negation. */
function smallClassMembers(body: string): string[] | undefined {
  const members: string[] = [];
  for (let index = 0; index < body.length; index++) {
    const char = body[index]!;
    if (char === '\\') {
      const escaped = body[index + 1];
      if (escaped === undefined || /[A-Za-z0-9]/.test(escaped)) return undefined; // \d, \w, \x41: not one plain character
      members.push(escaped);
      index++;
    } else if (char === '-' && index > 0 && index < body.length - 1) {
      return undefined; // a range
    } else if ((char === '^' && index === 0) || char === '[') {
      return undefined;
    } else {
      members.push(char);
    }
  }
  return members.length > 0 && members.length <= 4 ? members : undefined;
}

function skipGroupOpeners(pattern: string): { at: number; groupStarts: number[] } {
  let at = 0;
  const groupStarts: number[] = [];
  for (let opener = /^\((?:\?:|\?P?<[A-Za-z_]\w*>)?/.exec(pattern); opener; opener = /^\((?:\?:|\?P?<[A-Za-z_]\w*>)?/.exec(pattern.slice(at))) {
    at += opener[0].length;
    groupStarts.push(at);
  }
  return { at, groupStarts };
}

/** Whether `pattern` is itself an alternation (`a…|b…`), whose branches need not share an opening. */
function hasTopLevelAlternation(pattern: string): boolean {
  return topLevelBranches(pattern, 0).branches.length > 1;
}

/** The index of the `)` closing the group whose body starts at `start`; undefined if the group has a top-level `|`. */
function groupEnd(pattern: string, start: number): number | undefined {
  const group = topLevelBranches(pattern, start);
  return group.branches.length === 1 ? group.end : undefined;
}

/**
 * Reads a pattern from `from` to the `)` that closes the enclosing group (`end`; undefined when the
 * text ends first): its `|`-separated branches at that level, and whether a capturing group occurs.
 * Escapes and character classes are stepped over, so `\|`, `[|]` and `[)]` separate nothing.
 */
function topLevelBranches(pattern: string, from: number): { branches: string[]; end: number | undefined; hasCapture: boolean } {
  const branches: string[] = [];
  let depth = 0;
  let branchStart = from;
  let hasCapture = false;
  for (let index = from; index < pattern.length; index++) {
    const char = pattern[index];
    if (char === '\\') index++;
    else if (char === '[') index = classEnd(pattern, index);
    else if (char === '(') {
      if (pattern[index + 1] !== '?' || /^\(\?P?<[A-Za-z_]/.test(pattern.slice(index, index + 5))) hasCapture = true;
      depth++;
    } else if (char === ')' && depth > 0) depth--;
    else if (char === '|' && depth === 0) {
      branches.push(pattern.slice(branchStart, index));
      branchStart = index + 1;
    } else if (char === ')') {
      branches.push(pattern.slice(branchStart, index));
      return { branches, end: index, hasCapture };
    }
  }
  branches.push(pattern.slice(branchStart));
  return { branches, end: undefined, hasCapture };
}

/**
 * A pattern that matches wherever `pattern` matches, and more: each counted repetition `x{m,n}` becomes
 * `x*` (m = 0) or `x+`, and named groups lose their names (a relaxed form is only tested, never asked
 * for captures, and the names of several parts would clash in one gate's alternation). RE2 compiles a counted repetition as that many copies of `x`, so a rule regex
 * can take a millisecond to compile; its relaxed form compiles in tens of microseconds. Where the
 * relaxed form finds nothing, the rule cannot match: a part whose relaxed form never finds anything in
 * a scan is never compiled (see `CompiledPart.mayMatch`), and a gate over several parts is built from
 * relaxed forms (see `PartGroup`).
 */
export function relaxedPattern(pattern: string): string {
  let relaxed = '';
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index]!;
    if (char === '\\') {
      // `\x{263a}`, `\p{Greek}`: the braces belong to the escape.
      const braced = /^\\[xpPN]\{[^}]*\}/.exec(pattern.slice(index));
      const escape = braced ? braced[0] : pattern.slice(index, index + 2);
      relaxed += escape;
      index += escape.length - 1;
    } else if (char === '[') {
      const end = classEnd(pattern, index);
      relaxed += pattern.slice(index, end + 1);
      index = end;
    } else if (char === '(' && /^\(\?P?<[A-Za-z_]/.test(pattern.slice(index, index + 5))) {
      relaxed += '(';
      index = pattern.indexOf('>', index);
    } else {
      const counted = char === '{' ? /^\{(\d+)(?:,\d*)?\}/.exec(pattern.slice(index)) : null;
      if (counted) {
        relaxed += Number(counted[1]) === 0 ? '*' : '+';
        index += counted[0].length - 1;
      } else relaxed += char;
    }
  }
  return relaxed;
}

/** The index of the `]` closing the character class opened at `open`. */
function classEnd(pattern: string, open: number): number {
  let index = open + 1;
  if (pattern[index] === '^') index++;
  if (pattern[index] === ']') index++;
  for (; index < pattern.length && pattern[index] !== ']'; index++) if (pattern[index] === '\\') index++;
  return index;
}

function isOptionalQuantifier(pattern: string, at: number): boolean {
  return pattern[at] === '?' || pattern[at] === '*' || /^\{0[,}]/.test(pattern.slice(at));
}

/**
 * Which bytes a character class admits, as the byte before a match. The class is tested on each byte
 * as a Latin-1 character: for the ASCII classes rules use, a byte of a multi-byte UTF-8 character is
 * admitted exactly when the whole character would be (never by `[a-z]`, always by `[^a-z]`).
 * Undefined for a class that names non-ASCII characters, which this reading could get wrong.
 */
function byteTableOf(characterClass: string, caseInsensitive: boolean): Uint8Array | undefined {
  if (/[^\x20-\x7e]|\\[pPxS]/.test(characterClass)) return undefined;
  let test: RegExp;
  try {
    // RE2's `\s` is ASCII whitespace without `\v`; JavaScript's also takes no-break spaces.
    test = new RegExp(`^${characterClass.replaceAll('\\s', '\\t\\n\\f\\r ')}$`, caseInsensitive ? 'i' : '');
  } catch {
    return undefined;
  }
  const table = new Uint8Array(256);
  for (let byte = 0; byte < 256; byte++) table[byte] = test.test(String.fromCharCode(byte)) ? 1 : 0;
  return table;
}

/**
 * A pattern's parts as plain data (JSON): what `fastPatternParts` and `relaxedPattern` work out from the
 * pattern's text, done once when a rule is loaded and cached with the built-in rules (see
 * builtin-cache.ts). Without it each worker parsed every pattern again on its first task: 40-60 ms of
 * cold JavaScript per worker, and V8 optimising the parser in each, which the pre-commit hook paid on
 * every commit too.
 */
export interface PlannedPart {
  /** `PatternPart.pattern`. */
  pattern: string;
  /** `relaxedPattern(pattern)`. */
  relaxed: string;
  literalPrefix: string;
  /** `PatternPart.openings`, where they are more than the literal prefix. */
  openings?: string[];
  exactPrefix?: string;
  /** `BeforeCheck.wordBoundary`. */
  wordBoundary?: true;
  /** `BeforeCheck.allowedBytes` as 64 hex digits: bit `byte % 8` of byte `byte >> 3` says whether that byte is admitted. */
  allowedBytes?: string;
  /** `BeforeCheck.multiline`, where there are `allowedBytes`. */
  multiline?: boolean;
}

/** The plan of a rule's pattern: one part, or one per branch of a leading alternation. */
export function planPattern(pattern: string): PlannedPart[] {
  return fastPatternParts(pattern).map((part) => {
    const { before } = part;
    return {
      pattern: part.pattern,
      relaxed: relaxedPattern(part.pattern),
      literalPrefix: part.literalPrefix,
      ...(part.openings.length !== 1 || part.openings[0] !== part.literalPrefix ? { openings: part.openings } : {}),
      ...(part.exactPrefix !== undefined ? { exactPrefix: part.exactPrefix } : {}),
      ...(before?.wordBoundary ? { wordBoundary: true as const } : {}),
      ...(before?.allowedBytes ? { allowedBytes: bitsToHex(before.allowedBytes), multiline: before.multiline ?? false } : {}),
    };
  });
}

/** The part a plan describes, as `fastPatternParts` gives it. */
export function partOfPlan(planned: PlannedPart): PatternPart {
  const before: BeforeCheck | undefined = planned.wordBoundary ? { wordBoundary: true } : planned.allowedBytes !== undefined ? { allowedBytes: hexToBits(planned.allowedBytes), multiline: planned.multiline ?? false } : undefined;
  return { pattern: planned.pattern, before, literalPrefix: planned.literalPrefix, openings: planned.openings ?? [planned.literalPrefix], exactPrefix: planned.exactPrefix };
}

function bitsToHex(table: Uint8Array): string {
  const packed = Buffer.alloc(32);
  for (let byte = 0; byte < 256; byte++) if (table[byte] === 1) packed[byte >> 3]! |= 1 << (byte & 7);
  return packed.toString('hex');
}

function hexToBits(hex: string): Uint8Array {
  const packed = Buffer.from(hex, 'hex');
  const table = new Uint8Array(256);
  for (let byte = 0; byte < 256; byte++) table[byte] = (packed[byte >> 3]! >> (byte & 7)) & 1;
  return table;
}
