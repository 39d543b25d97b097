/**
 * The contract of a structural detector: instead of a pattern, it parses a known kind of file (an MCP
 * config, a workflow) and reasons about its structure, so it can say *where* in the structure a
 * credential sits (which server, which field). Rules name it with `detector:`; it returns matches at
 * byte offsets like the pattern detector's, carrying their context as validator evidence.
 */
import type { RawMatch } from '../pattern.js';

export interface StructuralDetector {
  name: string;
  /** Whether a file at this path (relative, `/`-separated) is of the kind this detector parses for the rule `ruleId`. */
  appliesTo(path: string, ruleId: string): boolean;
  /**
   * Matches for the rule `ruleId` in the whole text of the file. Malformed files yield none; undefined
   * says the file could not be read as its kind at all, so the rules it `supersedes` keep their matches.
   */
  detect(bytes: Buffer, ruleId: string): RawMatch[] | undefined;
  /**
   * Pattern rules for the same credentials that this detector judges better where it can read the file:
   * their matches in such a file give way to its verdicts (they still report what it cannot read).
   */
  supersedes?: readonly string[];
}

/**
 * The match for `value`, which stands at character `start` of the file's text: offsets in bytes, as the
 * pattern detector gives them, and the detector's reasons as a valid verdict.
 */
export function matchInText(text: string, start: number, value: string, ruleId: string, evidence: string, attributes?: Record<string, string>): RawMatch {
  const secretStart = Buffer.byteLength(text.slice(0, start));
  return {
    ruleId,
    secretStart,
    secretEnd: secretStart + Buffer.byteLength(value),
    secret: value,
    verdict: { kind: 'valid', evidence, ...(attributes ? { attributes } : {}) },
  };
}
