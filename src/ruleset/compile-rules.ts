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
import type { RuleMatcherSpec } from './rule.js';

/**
 * Decoding is off unless a command turns it on: `logs` and standard input decode two levels by default
 * (base64 of JSON of a URL-encoded token), where encoded secrets live; `--decode N` sets it anywhere.
 * Looking for encoded runs costs about as much as the rules themselves on source code.
 */
export const DEFAULT_DECODE_DEPTH = 0;
export const LOG_DECODE_DEPTH = 2;

/** RE2's multi-pattern matcher: one linear pass over the bytes says which keywords occur. */
type KeywordSet = ReturnType<typeof RE2.Set>;

export interface CompiledRule {
  spec: RuleMatcherSpec;
  /** Global, with indices, so that one Buffer is walked match by match at byte offsets. Compiled lazily. */
  readonly regex: RE2;
  /**
   * Where the secret is: the groups named `secret`, `secret2`, `secret3`… (the first that took part in
   * the match, so one rule can capture from several alternatives), else group 1.
   */
  secretGroups: string[] | [1];
  validator: Validator | undefined;
}

export interface CompiledRuleset {
  rules: CompiledRule[];
  /** One case-insensitive pattern per distinct keyword; `rulesByKeyword[i]` are the rules keyword i unlocks. */
  keywordSet: KeywordSet | undefined;
  rulesByKeyword: CompiledRule[][];
  /**
   * How general each rule is: 0 for provider rules, 1 for a provider's `generic` fallback, 2 for the
   * catch-all `generic` provider. A match gives way to a less general one on the same bytes.
   */
  specificityOf: ReadonlyMap<string, number>;
  /** Levels of encoded text (base64, percent, hex, \u escapes) to look inside; 0 turns decoding off. */
  decodeDepth: number;
  /** The project's thresholds, for validators that judge by them. */
  settings: ValidatorSettings;
  /** Rules answered by a structural detector (`detector:`), run on files of their kind. */
  structural: { spec: RuleMatcherSpec; detector: StructuralDetector }[];
}

export function compileRuleset(allSpecs: readonly RuleMatcherSpec[], options: { decodeDepth?: number; settings?: ValidatorSettings } = {}): CompiledRuleset {
  const structural = allSpecs.flatMap((spec) => {
    const detector = spec.detector ? structuralDetectorNamed(spec.detector) : undefined;
    return detector ? [{ spec, detector }] : [];
  });
  const specs = allSpecs.filter((spec) => spec.detector === undefined);
  const rules = specs.map(compileRule);
  const keywordIndex = new Map<string, number>();
  const rulesByKeyword: CompiledRule[][] = [];
  for (const rule of rules) {
    for (const keyword of rule.spec.keywords) {
      const normalised = keyword.toLowerCase();
      let index = keywordIndex.get(normalised);
      if (index === undefined) {
        index = rulesByKeyword.length;
        keywordIndex.set(normalised, index);
        rulesByKeyword.push([]);
      }
      const unlocked = rulesByKeyword[index]!;
      if (!unlocked.includes(rule)) unlocked.push(rule);
    }
  }
  const keywordPatterns = [...keywordIndex.keys()].map(escapeForRe2);
  const keywordSet = keywordPatterns.length > 0 ? new RE2.Set(keywordPatterns, 'iu') : undefined;
  const specificityOf = new Map(specs.map((spec) => [spec.id, !spec.generic ? 0 : spec.id.startsWith('generic.') ? 2 : 1]));
  return { rules, keywordSet, rulesByKeyword, specificityOf, decodeDepth: options.decodeDepth ?? DEFAULT_DECODE_DEPTH, structural, settings: options.settings ?? DEFAULT_VALIDATOR_SETTINGS };
}

/**
 * The regex is compiled on first use: a scan wakes only the rules whose keywords it meets, and compiling
 * all ~600 up front cost each worker half a second, which a pre-commit hook would pay on every commit.
 * (Patterns were already compiled once when the rules were loaded and validated.)
 */
function compileRule(spec: RuleMatcherSpec): CompiledRule {
  let regex: RE2 | undefined;
  return {
    spec,
    get regex() {
      regex ??= new RE2(spec.pattern, 'gdu');
      return regex;
    },
    secretGroups: secretGroupNamesOf(spec.pattern),
    validator: spec.validator ? validatorNamed(spec.validator) : undefined,
  };
}

function secretGroupNamesOf(pattern: string): string[] | [1] {
  const names = [...pattern.matchAll(/\(\?P?<(secret\d*)>/g)].map((match) => match[1]!);
  return names.length > 0 ? names : [1];
}

function escapeForRe2(literal: string): string {
  return literal.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}
