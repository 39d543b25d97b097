/**
 * Turns rule specs into RE2 programs: one keyword set for the prefilter and one regex per rule. It runs
 * inside each worker (RE2 objects cannot cross threads) and in the main thread for `rules check`.
 * RE2 runs in linear time, so no pattern, not even a user's `(a+)+$`, can hang a scan.
 */
import RE2 from 're2';
import { structuralDetectorNamed } from '../detectors/structural/index.js';
import type { StructuralDetector } from '../detectors/structural/structural-detector.js';
import { validatorNamed } from '../detectors/validators/index.js';
import { DEFAULT_VALIDATOR_SETTINGS, type Validator, type ValidatorSettings } from '../detectors/validators/validator.js';
import { partOfPlan, precededByPattern, relaxedPattern, splitLeadingAlternation, wholePatternPart, type BeforeCheck, type PatternPart } from './fast-pattern.js';
import { matcherSpecOf, type RuleMatcherSpec } from './rule.js';

/**
 * Decoding is off unless a command turns it on: `logs` and standard input decode two levels by default
 * (base64 of JSON of a URL-encoded token), where encoded secrets live; `--decode N` sets it anywhere.
 * Looking for encoded runs costs about as much as the rules themselves on source code.
 */
export const DEFAULT_DECODE_DEPTH = 0;
export const LOG_DECODE_DEPTH = 2;
/**
 * Levels of archives to unpack (see archive-entries.ts): a war holds jars, a jar may hold a zip. Deeper
 * archives are counted as binary, with the reason. `--archive-depth N` sets it; 0 unpacks none.
 */
export const DEFAULT_ARCHIVE_DEPTH = 3;

/** RE2's multi-pattern matcher: one linear pass over the bytes says which keywords occur. */
type KeywordSet = ReturnType<typeof RE2.Set>;

export interface CompiledRule {
  spec: RuleMatcherSpec;
  /** The pattern as RE2 runs it fastest: usually one part, one per branch for a leading alternation (see fast-pattern.ts). */
  parts: CompiledPart[];
  /**
   * Where the secret is: the groups named `secret`, `secret2`, `secret3`… (the first that took part in
   * the match, so one rule can capture from several alternatives), else group 1.
   */
  readonly secretGroups: string[] | [1];
  validator: Validator | undefined;
}

export interface CompiledPart {
  rule: CompiledRule;
  /** Global, with indices, so that one Buffer is walked match by match at byte offsets. Compiled lazily. */
  readonly regex: RE2;
  /**
   * False only where this part certainly has no match in `window`. Until the regex is compiled, a cheap
   * relaxed form of it answers (see `relaxedPattern`), so a part whose relaxed form never finds anything
   * is never compiled at all; once compiled, the regex itself decides, and this is always true.
   */
  mayMatch(window: Buffer): boolean;
  /** The relaxed form's RE2 source, for gates over several parts. */
  readonly relaxedSource: string;
  /** Whether the regex has been compiled (it is, on first use: see `mayMatch`). */
  readonly compiled: boolean;
  /** What the detector checks before a match: an opening taken off the pattern, the rule's `preceded_by`. */
  readonly before: BeforeCheck | undefined;
  /** The literal every match of this part begins with, lower-cased (or empty). */
  readonly literalPrefix: string;
  /** The ways every match of this part can begin, lower-cased (see `PatternPart.openings`). */
  readonly openings: readonly string[];
  /**
   * That literal as written, when the part matches it only so and it is long enough to be worth a
   * search of its own (see `PatternPart.exactPrefix`); bytes, so the search converts nothing.
   */
  readonly exactPrefix: Buffer | undefined;
  /** The detector's mark: the number of the last window this part ran over (see pattern.ts). */
  lastWindow: number;
}

export interface CompiledRuleset {
  rules: CompiledRule[];
  /** One case-insensitive pattern per distinct keyword. */
  keywordSet: KeywordSet | undefined;
  /** The rule parts keyword i wakes, in groups that share a gate (see `PartGroup`); formed on the keyword's first hit. */
  groupsOfKeyword(index: number): readonly PartGroup[];
  /**
   * How general each rule is: 0 for provider rules, 1 for a provider's `generic` fallback, 2 for the
   * catch-all `generic` provider. A match gives way to a less general one on the same bytes.
   */
  specificityOf: ReadonlyMap<string, number>;
  /** Levels of encoded text (base64, percent, hex, \u escapes) to look inside; 0 turns decoding off. */
  decodeDepth: number;
  /** Levels of archives (zip, jar, tar) to unpack and scan inside; 0 counts archives as binary. */
  archiveDepth: number;
  /** The project's thresholds, for validators that judge by them. */
  settings: ValidatorSettings;
  /** Rules whose pattern was split into parts, whose matches can overlap (see fast-pattern.ts). */
  splitRuleIds: ReadonlySet<string>;
  /**
   * The keywords of `multiline` rules as one case-insensitive search, or undefined when there are none:
   * where none occurs, no match runs across many lines (see changed-region.ts).
   */
  multilineKeywords: RE2 | undefined;
  /** Rules answered by a structural detector (`detector:`), run on files of their kind. */
  structural: { spec: RuleMatcherSpec; detector: StructuralDetector }[];
}

export interface CompileOptions {
  decodeDepth?: number;
  archiveDepth?: number;
  settings?: ValidatorSettings;
  /** After how many windows a group of parts gets its gate (see `PartGroup`); tests set 0 to gate from the start. */
  gateAfterWakes?: number;
}

export function compileRuleset(givenSpecs: readonly RuleMatcherSpec[], options: CompileOptions = {}): CompiledRuleset {
  // One shape for every spec, however it arrived (see matcherSpecOf).
  const allSpecs = givenSpecs.map(matcherSpecOf);
  const structural = allSpecs.flatMap((spec) => {
    const detector = spec.detector ? structuralDetectorNamed(spec.detector) : undefined;
    return detector ? [{ spec, detector }] : [];
  });
  const specs = allSpecs.filter((spec) => spec.detector === undefined);
  const rules = specs.map(compileRule);
  const keywordIndex = new Map<string, number>();
  const partsByKeyword: CompiledPart[][] = [];
  for (const rule of rules) {
    for (const keyword of rule.spec.keywords) {
      const normalised = keyword.toLowerCase();
      let index = keywordIndex.get(normalised);
      if (index === undefined) {
        index = partsByKeyword.length;
        keywordIndex.set(normalised, index);
        partsByKeyword.push([]);
      }
      const woken = partsByKeyword[index]!;
      for (const part of partsWokenBy(rule, normalised)) if (!woken.includes(part)) woken.push(part);
    }
  }
  const keywordPatterns = [...keywordIndex.keys()].map(escapeForRe2);
  const keywordSet = keywordPatterns.length > 0 ? new RE2.Set(keywordPatterns, 'iu') : undefined;
  const specificityOf = new Map(specs.map((spec) => [spec.id, !spec.generic ? 0 : spec.id.startsWith('generic.') ? 2 : 1]));
  const splitRuleIds = new Set(rules.filter((rule) => rule.parts.length > 1).map((rule) => rule.spec.id));
  const groupsByKeyword: (PartGroup[] | undefined)[] = [];
  const gateAfterWakes = options.gateAfterWakes ?? GATE_AFTER_WAKES;
  const groupsOfKeyword = (index: number) => (groupsByKeyword[index] ??= groupsOf(partsByKeyword[index]!, gateAfterWakes));
  const multilineKeywords = [...new Set(specs.filter((spec) => spec.multiline).flatMap((spec) => spec.keywords.map((keyword) => keyword.toLowerCase())))];
  return {
    rules,
    keywordSet,
    groupsOfKeyword,
    splitRuleIds,
    specificityOf,
    decodeDepth: options.decodeDepth ?? DEFAULT_DECODE_DEPTH,
    archiveDepth: options.archiveDepth ?? DEFAULT_ARCHIVE_DEPTH,
    multilineKeywords: multilineKeywords.length > 0 ? new RE2(multilineKeywords.map(escapeForRe2).join('|'), 'iu') : undefined,
    structural,
    settings: options.settings ?? DEFAULT_VALIDATOR_SETTINGS,
  };
}

/**
 * A keyword wakes the parts whose opening contains it (`token` wakes the `token…` branch of
 * `(?:vault|token)…`, not the `vault…` one; `ado_` and `ado-` wake the `ado[_-]…` branch, whose every
 * match opens with one of them), and every part with an opening that names none of the rule's keywords.
 * A part so woken can match only where one of its keywords occurs, so none is left out where it could
 * match. A rule of one part is woken by each of its keywords, as before.
 */
function partsWokenBy(rule: CompiledRule, keyword: string): CompiledPart[] {
  if (rule.parts.length === 1) return rule.parts;
  const keywords = rule.spec.keywords.map((each) => each.toLowerCase());
  return rule.parts.filter((part) => {
    const namedPerOpening = part.openings.map((opening) => keywords.filter((each) => opening.includes(each)));
    return namedPerOpening.some((named) => named.length === 0) || namedPerOpening.some((named) => named.includes(keyword));
  });
}

/**
 * Regexes are compiled on first use: a scan wakes only the rules whose keywords it meets, and compiling
 * all ~600 up front cost each worker half a second, which a pre-commit hook would pay on every commit.
 * (Patterns were already compiled once when the rules were loaded and validated.) Even then, a woken
 * part is compiled only once its relaxed form finds something (see `mayMatch`): most never do, and the
 * relaxed form compiles twenty to forty times faster. The rewriting into fast parts also waits for first
 * use, except the split of a leading alternation: which parts a keyword wakes must be known before the
 * scan.
 */
function compileRule(spec: RuleMatcherSpec): CompiledRule {
  const rule = new LazyRule(spec);
  if (spec.plan) {
    // Planned when the rule was loaded: nothing of the pattern's text is parsed here.
    rule.parts = spec.plan.map((planned) => new LazyPart(rule, () => partOfPlan(planned), planned.relaxed));
    return rule;
  }
  const split = splitLeadingAlternation(spec.pattern);
  rule.parts = split ? split.map((part) => new LazyPart(rule, () => part)) : [new LazyPart(rule, () => wholePatternPart(spec.pattern))];
  return rule;
}

/*
 * Classes, not object literals with getters: every rule and every part then shares one hidden class, so
 * the detector's property reads stay monomorphic and V8 throws its optimised code away less often
 * (deoptimisations in a history scan fell from 32 to 20; each re-optimisation of the detector's loop
 * costs up to 85 ms of CPU).
 */
class LazyRule implements CompiledRule {
  parts: CompiledPart[] = [];
  readonly validator: Validator | undefined;
  private groups: string[] | [1] | undefined;
  private precededBy: RE2 | undefined;

  constructor(readonly spec: RuleMatcherSpec) {
    this.validator = spec.validator ? validatorNamed(spec.validator) : undefined;
  }

  get secretGroups(): string[] | [1] {
    return (this.groups ??= secretGroupNamesOf(this.spec.pattern));
  }

  /** The rule's `preceded_by`, compiled once for all its parts. */
  precededByCheck(): RE2 {
    return (this.precededBy ??= new RE2(precededByPattern(this.spec.precededBy!), 'u'));
  }
}

class LazyPart implements CompiledPart {
  lastWindow = 0;
  private described: PatternPart | undefined;
  private compiledRegex: RE2 | undefined;
  private relaxed: RE2 | undefined | null = null;
  private beforeCheck: BeforeCheck | undefined | null = null;
  private exact: Buffer | undefined | null = null;

  constructor(
    readonly rule: LazyRule,
    private readonly describe: () => PatternPart,
    /** The relaxed form, where the rule's plan gives it. */
    private readonly plannedRelaxed: string | undefined = undefined,
  ) {}

  private get description(): PatternPart {
    return (this.described ??= this.describe());
  }

  get regex(): RE2 {
    return (this.compiledRegex ??= new RE2(this.description.pattern, 'gdu'));
  }

  mayMatch(window: Buffer): boolean {
    if (this.compiledRegex !== undefined) return true;
    if (this.relaxed === null) {
      try {
        this.relaxed = new RE2(this.relaxedSource, 'u');
      } catch {
        this.relaxed = undefined; // cannot happen for a valid pattern; the real regex then decides
      }
    }
    return this.relaxed === undefined || this.relaxed.test(window);
  }

  get relaxedSource(): string {
    return this.plannedRelaxed ?? relaxedPattern(this.description.pattern);
  }

  get compiled(): boolean {
    return this.compiledRegex !== undefined;
  }

  get before(): BeforeCheck | undefined {
    if (this.beforeCheck === null) {
      const { before } = this.description;
      this.beforeCheck = this.rule.spec.precededBy === undefined ? before : { ...before, precededBy: this.rule.precededByCheck() };
    }
    return this.beforeCheck;
  }

  get literalPrefix(): string {
    return this.description.literalPrefix;
  }

  get openings(): readonly string[] {
    return this.description.openings;
  }

  get exactPrefix(): Buffer | undefined {
    if (this.exact === null) {
      const written = this.description.exactPrefix;
      this.exact = written !== undefined && written.length >= MIN_EXACT_PREFIX ? Buffer.from(written) : undefined;
    }
    return this.exact;
  }
}

/** A shorter opening (`sk`) occurs too often as written for a search of its own to spare the regex. */
const MIN_EXACT_PREFIX = 3;

function secretGroupNamesOf(pattern: string): string[] | [1] {
  const names = [...pattern.matchAll(/\(\?P?<(secret\d*)>/g)].map((match) => match[1]!);
  return names.length > 0 ? names : [1];
}

function escapeForRe2(literal: string): string {
  return literal.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

/**
 * Rule parts that one keyword wakes, run together. A common keyword (`token`, `pass`) wakes several
 * parts in most blocks of source code, and each is an RE2 search over the block's window although none
 * matches there. Parts that open with the same literal (`token…`, `pass…`) share a gate: one regex, the
 * alternation of their relaxed patterns (see `relaxedPattern`), which RE2 runs as one search for that
 * literal. Where the gate finds nothing, no part of the group can match in the window and none runs;
 * where it finds something, they all run as before, so matches are unchanged. Measured on source code,
 * a failed gate over seven `pass…` parts costs a fifth of running them.
 */
export class PartGroup {
  /** Windows tested so far; the gate is compiled after `GATE_AFTER_WAKES`, so a rare keyword never pays for one. */
  private wakes = 0;
  private gate: RE2 | undefined | null;

  constructor(
    readonly parts: readonly CompiledPart[],
    private readonly gateAfterWakes = GATE_AFTER_WAKES,
  ) {
    this.gate = parts.length >= 2 ? null : undefined;
  }

  /** Whether the group runs behind a gate (compiled by now and accepted by RE2). */
  get gated(): boolean {
    return this.gate instanceof RE2;
  }

  /** Whether the parts must run on this window: false only when the gate shows that none matches there. */
  admits(window: Buffer): boolean {
    if (this.gate === null) {
      if (this.wakes++ < this.gateAfterWakes) return true;
      this.gate = gateFor(this.parts);
    }
    return this.gate === undefined || this.gate.test(window);
  }
}

const GATE_AFTER_WAKES = 64;
/** Parts whose literal openings agree on this many characters share a gate. */
const GATE_OPENING = 3;

/**
 * Single-line parts with the same opening literal form a group, and so do the single-line parts with no
 * such opening: each of those is a pass of RE2's automaton over the whole window, and one pass of their
 * gate spares the others where none can match (the three `generic.password` rules, woken by `pass`, match
 * in 2 % of the windows that hold the word: measured, their gate costs 40 % of running them). A multiline
 * part is a group of its own.
 */
function groupsOf(parts: readonly CompiledPart[], gateAfterWakes: number): PartGroup[] {
  const byOpening = new Map<string, CompiledPart[]>();
  const groups: PartGroup[] = [];
  for (const part of parts) {
    // A multiline part runs over the whole chunk, past any window a gate could test.
    if (part.rule.spec.multiline) groups.push(new PartGroup([part]));
    else {
      const opening = part.literalPrefix.length < GATE_OPENING ? NO_OPENING : part.literalPrefix.slice(0, GATE_OPENING);
      byOpening.set(opening, [...(byOpening.get(opening) ?? []), part]);
    }
  }
  for (const shared of byOpening.values()) groups.push(new PartGroup(shared, gateAfterWakes));
  return groups;
}

/** The key of the group of parts whose opening literal is shorter than `GATE_OPENING` characters (every other key is that long). */
const NO_OPENING = '';

function gateFor(parts: readonly CompiledPart[]): RE2 | undefined {
  // A loop, not map and join: V8 inlines this rare path into the detector's hot loop, and an array made
  // by `map` from the real groups had another shape than from the primer's (see prime-detector.ts), which
  // threw the optimised detector away in each worker of a history scan (60-80 ms of compiling it again).
  let source = '';
  for (const part of parts) source += `${source === '' ? '' : '|'}(?:${part.relaxedSource})`;
  try {
    return new RE2(source, 'u');
  } catch {
    return undefined; // too large for RE2: the parts run without a gate
  }
}
