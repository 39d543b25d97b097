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
  const secretStart = byteOffsetOf(text, start);
  return {
    ruleId,
    secretStart,
    secretEnd: secretStart + Buffer.byteLength(value),
    secret: value,
    verdict: { kind: 'valid', evidence, ...(attributes ? { attributes } : {}) },
  };
}

/**
 * Where character `start` of `text` is in its UTF-8 bytes. A detector asks for its matches in order, in
 * one text at a time: counted on from the last answer, not from the start of the text each time (a
 * cluster's dump of thousands of Secrets took 42 s that way), and not at all for ASCII text.
 */
function byteOffsetOf(text: string, start: number): number {
  if (counted?.text !== text) counted = { text, ascii: Buffer.byteLength(text) === text.length, char: 0, byte: 0 };
  if (counted.ascii) return start;
  if (start < counted.char) Object.assign(counted, { char: 0, byte: 0 });
  counted.byte += Buffer.byteLength(text.slice(counted.char, start));
  counted.char = start;
  return counted.byte;
}

let counted: { text: string; ascii: boolean; char: number; byte: number } | undefined;
