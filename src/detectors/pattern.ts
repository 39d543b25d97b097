/**
 * The pattern detector: runs the candidate rules (those whose keywords the prefilter saw) over a chunk of
 * bytes and returns their matches at byte offsets. It keeps bytes as bytes: only the few captured values
 * are turned into strings. Entropy floors and offline validators drop what is not a credential; a
 * `generic` rule's match gives way to a specific rule's match on the same bytes.
 */
import { candidateRules, type CompiledRule, type CompiledRuleset } from '../ruleset/compile-rules.js';
import { allowCommentOn } from './allow-comment.js';
import { shannonEntropy } from './entropy.js';
import type { ValidatorVerdict } from './validators/validator.js';

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
}

export interface FindMatchesOptions {
  /** Matches that start at or after this offset belong to the next chunk (they are in its overlap). */
  acceptBefore?: number;
}

export function findMatches(bytes: Buffer, ruleset: CompiledRuleset, options: FindMatchesOptions = {}): RawMatch[] {
  const acceptBefore = options.acceptBefore ?? bytes.length;
  const matches: RawMatch[] = [];
  for (const rule of candidateRules(ruleset, bytes)) collectRuleMatches(rule, bytes, acceptBefore, matches);
  return dropGenericOverlaps(matches, ruleset);
}

function collectRuleMatches(rule: CompiledRule, bytes: Buffer, acceptBefore: number, into: RawMatch[]): void {
  const { regex } = rule;
  regex.lastIndex = 0;
  for (let found = regex.exec(bytes); found !== null; found = regex.exec(bytes)) {
    if (found[0].length === 0) regex.lastIndex++; // an empty match must not stall the walk
    if (found.index >= acceptBefore) break;
    const span = rule.secretGroup === 'secret' ? found.indices?.groups?.secret : found.indices?.[1];
    if (!span) continue;
    const [secretStart, secretEnd] = span;
    const secret = bytes.toString('utf8', secretStart, secretEnd);
    if (PLACEHOLDER_RUN.test(secret)) continue;
    if (rule.spec.minEntropy !== undefined && shannonEntropy(secret) < rule.spec.minEntropy) continue;
    const verdict = rule.validator?.check(secret);
    if (verdict?.kind === 'reject') continue;
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
}

/** Generic rules are the fallback: where a specific rule found the same bytes, its match wins. */
function dropGenericOverlaps(matches: RawMatch[], ruleset: CompiledRuleset): RawMatch[] {
  const isGeneric = (match: RawMatch) => ruleset.genericRuleIds.has(match.ruleId);
  const specific = matches.filter((match) => !isGeneric(match));
  if (specific.length === matches.length) return matches;
  return matches.filter(
    (match) => !isGeneric(match) || !specific.some((other) => other.secretStart < match.secretEnd && match.secretStart < other.secretEnd),
  );
}
