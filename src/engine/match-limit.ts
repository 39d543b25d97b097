/**
 * Bounds on what one rule reports from one input (a file, a blob, standard input), so that memory stays
 * bounded however many matches an input holds. Two kinds of input hold millions:
 * - a credential dump, a different value on every line: a 30 MB file of `password=…` lines (1.5 million
 *   values) took each of two worker threads past its heap limit after half a minute. Past
 *   `MAX_VALUES_PER_RULE` different values, the rule is no longer searched in that input (but around the
 *   matches still reported, whose snippets must not show its values: see chunked-scan.ts);
 * - a log that writes the same few tokens on every request. Past `MAX_MATCHES_PER_RULE` occurrences, only
 *   values not met before in that input are kept, and the rule goes on searching: a different token
 *   deep in the log is still found.
 * Either way the input is reported as scanned in part, with the rules that reached a bound.
 */
import type { RuleLimit } from './worker-protocol.js';

export const MAX_MATCHES_PER_RULE = 10_000;
export const MAX_VALUES_PER_RULE = 10_000;

/** Counts one input's matches and values by rule, admitting what stays within the bounds. */
export class MatchLimit {
  private readonly matches = new Map<string, number>();
  private readonly values = new Map<string, Set<string>>();
  /** The rules that met more different values than the bound: no longer searched in this input. */
  private readonly stopped = new Set<string>();
  /** The rules past their bound of matches: only new values are kept. */
  private readonly thinned = new Set<string>();

  constructor(
    private readonly maxMatches = MAX_MATCHES_PER_RULE,
    private readonly maxValues = MAX_VALUES_PER_RULE,
  ) {}

  /** Whether this match of `ruleId` holding `secret` is kept. */
  admit(ruleId: string, secret: string): boolean {
    if (this.stopped.has(ruleId)) return false;
    let seen = this.values.get(ruleId);
    if (seen === undefined) this.values.set(ruleId, (seen = new Set()));
    const isNew = !seen.has(secret);
    if (isNew && seen.size >= this.maxValues) {
      this.stopped.add(ruleId);
      return false;
    }
    const count = (this.matches.get(ruleId) ?? 0) + 1;
    if (count > this.maxMatches && !isNew) {
      this.thinned.add(ruleId);
      return false;
    }
    this.matches.set(ruleId, count);
    if (isNew) seen.add(secret);
    return true;
  }

  /** The rules to leave out of the search from now on, or undefined while there are none (the common case, which costs the detector nothing). */
  get rulesToSkip(): ReadonlySet<string> | undefined {
    return this.stopped.size > 0 ? this.stopped : undefined;
  }

  /** More encoded runs met in a chunk than are decoded there (see encoded-text.ts): the rest were searched as they are. */
  decodingCut(): void {
    this.decodingWasCut = true;
  }

  private decodingWasCut = false;

  /** The rules that reached a bound, sorted, each with the bound it reached; undefined when none did. */
  get reached(): RuleLimit[] | undefined {
    if (this.stopped.size === 0 && this.thinned.size === 0 && !this.decodingWasCut) return undefined;
    const reached: RuleLimit[] = [
      ...[...this.stopped].map((ruleId) => ({ ruleId, bound: 'values' as const })),
      ...[...this.thinned].filter((ruleId) => !this.stopped.has(ruleId)).map((ruleId) => ({ ruleId, bound: 'matches' as const })),
      ...(this.decodingWasCut ? [{ ruleId: 'decoding', bound: 'decoding' as const }] : []),
    ];
    return reached.sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
  }
}
