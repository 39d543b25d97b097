/**
 * Runs every example of every built-in rule as its own named test: positives must capture exactly the
 * generated fake, negatives must stay quiet. A failure names the YAML file and line of the example.
 */
import { describe, expect, it } from 'vitest';
import { validatorNamed } from '../src/detectors/validators/index.js';
import { checkRuleExamples } from '../src/ruleset/check-examples.js';
import { generateBadChecksumFake, generateFake, SeededRandom } from '../src/ruleset/fake-secrets.js';
import { BUILTIN_RULES_DIR, loadRuleFile, loadRules, ruleFilesIn } from '../src/ruleset/load-rules.js';
import type { Rule } from '../src/ruleset/rule.js';

// Each file loads on its own, so one broken file fails its own test and not the whole catalogue.
const loaded = ruleFilesIn(BUILTIN_RULES_DIR).map((file) => {
  try {
    return { file, rules: loadRuleFile(file) };
  } catch (error) {
    return { file, rules: [] as Rule[], error: error as Error };
  }
});
const ruleById = new Map(loaded.flatMap((entry) => entry.rules).map((rule) => [rule.id, rule]));

it('all built-in rule files load together, with unique ids', () => {
  expect(() => loadRules([BUILTIN_RULES_DIR])).not.toThrow();
});

describe.each(loaded)('$file', ({ rules, error }) => {
  it('loads', () => {
    expect(error?.message).toBeUndefined();
  });
  for (const rule of rules) {
    describe(rule.id, () => {
      for (const result of checkRuleExamples(rule, ruleById)) {
        it(`${result.kind}: ${result.name}`, () => {
          expect(result.problem).toBeUndefined();
          expect(result.ok).toBe(true);
        });
      }

      const validator = rule.validator ? validatorNamed(rule.validator) : undefined;
      if (validator?.complete && rule.fake) {
        it('checksum validator accepts generated fakes and flags corrupted ones', () => {
          const random = new SeededRandom(`checksum\0${rule.id}`);
          expect(validator.check(generateFake(rule, random)).kind).toBe('valid');
          expect(validator.check(generateBadChecksumFake(rule, random)).kind).toBe('checksum-failed');
        });
      }
    });
  }
});
