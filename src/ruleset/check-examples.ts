/**
 * Our RuleTester: runs a rule's examples through the real detector and says, per example, whether the
 * rule captured exactly the generated fake (positive) or stayed quiet (negative). The test suite turns
 * each result into a named test; `sprawl rules check` prints them for users' own rules.
 */
import { BLOCK_BYTES, findMatches } from '../detectors/pattern.js';
import { structuralDetectorNamed } from '../detectors/structural/index.js';
import { keywordProblem } from './check-keywords.js';
import { compileRuleset } from './compile-rules.js';
import { ExampleFiller, SeededRandom } from './fake-secrets.js';
import { matcherSpecOf, type Rule } from './rule.js';

export interface ExampleResult {
  ruleId: string;
  /** `keywords`: the rule's keywords against random matches of its pattern (see check-keywords.ts). */
  kind: 'positive' | 'negative' | 'keywords';
  /** `rules/github.yml:14 example 2 (yaml)`: where to look when it fails. */
  name: string;
  ok: boolean;
  /** Why it failed; never contains the fake itself, only its length and redacted shape. */
  problem?: string;
}

/**
 * Every positive example is also checked placed across a block boundary of the pattern detector, where
 * a rule whose matches outgrow a window (and that is not marked `multiline`) would be cut short.
 */
const BOUNDARY_FILLER = 'x\n'.repeat(Math.floor((BLOCK_BYTES - 24) / 2));

/** The seed is fixed so that a failure reproduces; change it to shake out lucky passes. */
export const DEFAULT_EXAMPLE_SEED = 'sprawl-examples-v1';

export function checkRuleExamples(rule: Rule, allRules: ReadonlyMap<string, Rule>, seed = DEFAULT_EXAMPLE_SEED): ExampleResult[] {
  if (rule.detector) return checkStructuralExamples(rule, allRules, seed);
  const ruleset = compileRuleset([matcherSpecOf(rule)]);
  // The same rule with its gates (see `PartGroup`) compiled from the first window, which a scan does only
  // for keywords it meets often: a gate must never hide a match.
  const gatedRuleset = compileRuleset([matcherSpecOf(rule)], { gateAfterWakes: 0 });
  const random = new SeededRandom(`${seed}\0${rule.id}`);
  const results: ExampleResult[] = [];
  const ruleById = (id: string) => allRules.get(id);

  for (const example of rule.examples) {
    const name = `${rule.origin.file}:${example.line} ${example.label}`;
    let problem: string | undefined;
    try {
      const filler = new ExampleFiller(rule, random, ruleById);
      const text = filler.fill(example.text);
      const expected = filler.fill(example.secret);
      const scenarios = [
        ['', text, ruleset],
        [' placed across a block boundary', BOUNDARY_FILLER + text, ruleset],
        [' behind its gate', text, gatedRuleset],
      ] as const;
      for (const [where, scanned, compiled] of scenarios) {
        const matches = findMatches(Buffer.from(scanned), compiled);
        const captured = matches.map((match) => match.secret);
        if (matches.length === 0) problem = `expected a match capturing ${describe(expected)}, got no match${where}`;
        else if (!captured.includes(expected)) problem = `expected to capture ${describe(expected)}, captured ${captured.map(describe).join(', ')}${where}`;
        else if (matches.find((candidate) => candidate.secret === expected)!.verdict?.kind === 'checksum-failed') {
          problem = `the generated fake failed its own checksum validator`;
        }
        if (problem) break;
      }
    } catch (error) {
      problem = (error as Error).message;
    }
    results.push({ ruleId: rule.id, kind: 'positive', name, ok: problem === undefined, ...(problem ? { problem } : {}) });
  }

  rule.negativeExamples.forEach((example, index) => {
    const name = `${rule.origin.file}:${example.line} negative example ${index + 1}`;
    let problem: string | undefined;
    try {
      const text = new ExampleFiller(rule, random, ruleById).fill(example.text);
      const matches = findMatches(Buffer.from(text), ruleset);
      if (matches.length > 0) problem = `expected no match, captured ${matches.map((match) => describe(match.secret)).join(', ')}`;
    } catch (error) {
      problem = (error as Error).message;
    }
    results.push({ ruleId: rule.id, kind: 'negative', name, ok: problem === undefined, ...(problem ? { problem } : {}) });
  });
  const keywords = keywordProblem(rule, seed);
  results.push({ ruleId: rule.id, kind: 'keywords', name: `${rule.origin.file}:${rule.origin.line} keywords`, ok: keywords === undefined, ...(keywords ? { problem: keywords } : {}) });
  return results;
}

/** Enough to debug a pattern (length, ends) without printing a key-shaped string in CI logs. */
function describe(value: string): string {
  const visible = Math.min(4, Math.floor(value.length / 5));
  return `"${value.slice(0, visible)}…${visible > 0 ? value.slice(-visible) : ''}" (${value.length} chars)`;
}

/** A structural rule's examples: its detector runs on each example as the file the example names. */
function checkStructuralExamples(rule: Rule, allRules: ReadonlyMap<string, Rule>, seed: string): ExampleResult[] {
  const detector = structuralDetectorNamed(rule.detector!)!;
  const random = new SeededRandom(`${seed}\0${rule.id}`);
  const ruleById = (id: string) => allRules.get(id);
  const run = (text: string, file: string | undefined, mustApply = true): string[] | string => {
    if (!file) return 'a structural rule\'s example needs a file name (file: .mcp.json)';
    // A file of another kind is never read: fine for a negative example, a mistake for a positive one.
    if (!detector.appliesTo(file, rule.id)) return mustApply ? `the ${detector.name} detector does not read files named ${file}` : [];
    return (detector.detect(Buffer.from(text), rule.id) ?? []).map((match) => match.secret);
  };
  const results: ExampleResult[] = [];
  for (const example of rule.examples) {
    const filler = new ExampleFiller(rule, random, ruleById);
    const expected = filler.fill(example.secret);
    const captured = run(filler.fill(example.text), example.file);
    const problem =
      typeof captured === 'string' ? captured : captured.includes(expected) ? undefined : `expected to capture ${describe(expected)}, captured ${captured.map(describe).join(', ') || 'nothing'}`;
    results.push({ ruleId: rule.id, kind: 'positive', name: `${rule.origin.file}:${example.line} ${example.label}`, ok: !problem, ...(problem ? { problem } : {}) });
  }
  rule.negativeExamples.forEach((example, index) => {
    const captured = run(new ExampleFiller(rule, random, ruleById).fill(example.text), example.file, false);
    const problem = typeof captured === 'string' ? captured : captured.length > 0 ? `expected no match, captured ${captured.map(describe).join(', ')}` : undefined;
    results.push({ ruleId: rule.id, kind: 'negative', name: `${rule.origin.file}:${example.line} negative example ${index + 1}`, ok: !problem, ...(problem ? { problem } : {}) });
  });
  return results;
}
