/**
 * Format-valid fake secrets for tests, made from the rules' own `fake` patterns by the seeded generator,
 * so no key-shaped string is ever committed.
 */
import { generateBadChecksumFake, generateFake, SeededRandom } from '../../src/ruleset/fake-secrets.js';
import { BUILTIN_RULES_DIR, loadRules } from '../../src/ruleset/load-rules.js';
import type { Rule } from '../../src/ruleset/rule.js';

let catalogue: Map<string, Rule> | undefined;

export function builtinRule(id: string): Rule {
  catalogue ??= new Map(loadRules([BUILTIN_RULES_DIR]).map((rule) => [rule.id, rule]));
  const rule = catalogue.get(id);
  if (!rule) throw new Error(`no built-in rule ${id}`);
  return rule;
}

/** A seeded source of fakes: the same seed gives the same values in every run. */
export function fakeMaker(seed: string) {
  const random = new SeededRandom(seed);
  return {
    fake: (ruleId: string) => generateFake(builtinRule(ruleId), random),
    badChecksum: (ruleId: string) => generateBadChecksumFake(builtinRule(ruleId), random),
  };
}
