/**
 * A bound on the matches one rule reports from one input (a file, a blob, standard input). A credential
 * dump, or a log that writes a password on every line, holds a match per line: a 30 MB file of
 * `password=…` lines (1.5 million matches) took each of two worker threads past its heap limit after half a
 * minute, and the report would have listed every line. Past the bound the rule is no longer searched in
 * that input, and the input is reported as not fully scanned, with the rules it stopped, like any other.
 */
export const MAX_MATCHES_PER_RULE = 10_000;

/** Counts one input's matches by rule, admitting each rule's first `MAX_MATCHES_PER_RULE`. */
export class MatchLimit {
  private readonly counts = new Map<string, number>();
  /** The rules that reached the bound, no longer searched in this input. */
  readonly reached = new Set<string>();

  constructor(private readonly limit = MAX_MATCHES_PER_RULE) {}

  /** Whether a match of `ruleId` is still reported; the one past the bound is not, and stops the rule. */
  admit(ruleId: string): boolean {
    if (this.reached.has(ruleId)) return false;
    const count = (this.counts.get(ruleId) ?? 0) + 1;
    if (count > this.limit) {
      this.reached.add(ruleId);
      return false;
    }
    this.counts.set(ruleId, count);
    return true;
  }

  /** The rules to leave out of the search from now on, or undefined while there are none (the common case, which costs the detector nothing). */
  get rulesToSkip(): ReadonlySet<string> | undefined {
    return this.reached.size > 0 ? this.reached : undefined;
  }

  /** The rules that reached the bound, sorted, for the outcome; undefined when none did. */
  get reachedRules(): string[] | undefined {
    return this.reached.size > 0 ? [...this.reached].sort() : undefined;
  }
}
