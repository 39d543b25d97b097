/**
 * Gates (src/ruleset/compile-rules.ts, `PartGroup`): parts that one keyword wakes and that open with the
 * same literal are tested together first, and run only where that test finds something. A gate may
 * only save work, never hide a match: these tests check that it engages, that it refuses windows where
 * no part matches, and that with every gate compiled from the first window the whole built-in rule set
 * finds exactly what it finds without gates, on every rule's generated examples.
 */
import { describe, expect, it } from 'vitest';
import { findMatches } from '../../src/detectors/pattern.js';
import { compileRuleset } from '../../src/ruleset/compile-rules.js';
import { relaxedPattern } from '../../src/ruleset/fast-pattern.js';
import { ExampleFiller, SeededRandom } from '../../src/ruleset/fake-secrets.js';
import { BUILTIN_RULES_DIR, loadRules } from '../../src/ruleset/load-rules.js';
import { matcherSpecOf, type RuleMatcherSpec } from '../../src/ruleset/rule.js';

/** Password-like values made here, so that this file holds no literal assignment for a scan to flag. */
const value = (seed: number) => Array.from({ length: 14 }, (_, index) => 'abcdefghjkmnpqrstuvwxyzABCDEFGH23456789'[(seed * 11 + index * 7) % 39]).join('');

const spec = (id: string, pattern: string, keywords: string[], extra: Partial<RuleMatcherSpec> = {}): RuleMatcherSpec => ({ id, pattern, keywords, generic: false, multiline: false, ...extra });

/** Two rules woken by `pass`, both opening with it and both naming their group `secret`: they share one gate. */
const passRules = [
  spec('test.pass-quoted', String.raw`(?i)pass(?:word)?\s*=\s*"(?P<secret>[A-Za-z0-9]{12,})"`, ['pass']),
  spec('test.pass-colon', String.raw`(?i)passphrase:\s*(?P<secret>[A-Za-z0-9]{12,})`, ['pass']),
  spec('test.other-opening', String.raw`(?i)bypass_key=([a-z]{12})`, ['pass']),
];

describe('which parts a keyword wakes', () => {
  it('wakes a branch only by the keywords its openings hold, and still finds what each keyword opens', () => {
    // `ado[_-]` opens with `ado_` or `ado-`: `token` alone cannot make it match, so it does not wake it.
    const ruleset = compileRuleset([spec('test.ado', String.raw`(?i)(?:ado[_-]|token)[\w.-]{0,30}=([a-z0-9]{14})\b`, ['token', 'ado_', 'ado-'])]);
    const woken = (keywordIndex: number) => ruleset.groupsOfKeyword(keywordIndex).flatMap((group) => group.parts.map((part) => part.openings.join('|')));
    expect(woken(0)).toEqual(['token']);
    expect(woken(1)).toEqual(['ado_|ado-']);
    expect(woken(2)).toEqual(['ado_|ado-']);
    const secrets = (text: string) => findMatches(Buffer.from(text), ruleset).map((match) => match.secret);
    const found = value(5).toLowerCase();
    expect(secrets(`ADO-PAT=${found}\n`)).toEqual([found]);
    expect(secrets(`ado_token=${found}\n`)).toEqual([found]);
    expect(secrets(`token=${found}\n`)).toEqual([found]);
  });
});

describe('part gates', () => {
  it('gives parts with the same opening literal one gate, which refuses a window where none of them matches', () => {
    const ruleset = compileRuleset(passRules, { gateAfterWakes: 0 });
    const groups = ruleset.groupsOfKeyword(0);
    const shared = groups.find((group) => group.parts.length === 2)!;
    expect(shared.parts.map((part) => part.rule.spec.id).sort()).toEqual(['test.pass-colon', 'test.pass-quoted']);
    expect(groups.filter((group) => group.parts.length === 1).map((group) => group.parts[0]!.rule.spec.id)).toEqual(['test.other-opening']);

    expect(shared.admits(Buffer.from('// the password is passed to the vault, see passport.js\n'))).toBe(false);
    expect(shared.gated).toBe(true);
    expect(shared.admits(Buffer.from(`config:\n  passphrase: ${value(1)}\n`))).toBe(true);
    expect(shared.admits(Buffer.from(`password = "${value(2)}"\n`))).toBe(true);
  });

  it('gives the parts without an opening literal one gate too, which refuses a window where none of them matches', () => {
    const loose = [
      spec('test.loose-quoted', String.raw`(?i)[^a-z]pass\s*=\s*"(?P<secret>[A-Za-z0-9]{12,})"`, ['pass']),
      spec('test.loose-bare', String.raw`(?i)[^a-z]pass\s*:\s*(?P<secret>[A-Za-z0-9]{12,})`, ['pass']),
    ];
    const ruleset = compileRuleset(loose, { gateAfterWakes: 0 });
    const [group, ...others] = ruleset.groupsOfKeyword(0);
    expect(others).toEqual([]);
    expect(group!.parts.map((part) => part.rule.spec.id).sort()).toEqual(['test.loose-bare', 'test.loose-quoted']);
    expect(group!.admits(Buffer.from('// the pass is handed to the vault, see passport.js\n'))).toBe(false);
    expect(group!.gated).toBe(true);
    expect(group!.admits(Buffer.from(` pass: ${value(4)}\n`))).toBe(true);
    expect(findMatches(Buffer.from(`x pass = "${value(6)}"\n`), ruleset).map((match) => match.ruleId)).toEqual(['test.loose-quoted']);
  });

  it('compiles a gate only after the keyword has woken its parts often', () => {
    const ruleset = compileRuleset(passRules, { gateAfterWakes: 3 });
    const shared = ruleset.groupsOfKeyword(0).find((group) => group.parts.length === 2)!;
    const quiet = Buffer.from('pass the salt\n');
    for (let wake = 0; wake < 3; wake++) expect(shared.admits(quiet)).toBe(true);
    expect(shared.gated).toBe(false);
    expect(shared.admits(quiet)).toBe(false);
    expect(shared.gated).toBe(true);
  });

  it('finds the same matches with gates as without, over text where gated and ungated parts mix', () => {
    const text = Buffer.from(
      [
        // Blocks of their own (4 KiB each), so that each part must get past the gate alone.
        'the password is passed on\n',
        'filler line\n'.repeat(600),
        `passphrase: ${value(3)}\n`,
        'filler line\n'.repeat(600),
        `password = "${value(4)}"\n`,
        'bypass_key=qwertyuiopas\n',
        'filler line\n'.repeat(600),
        `PASSWORD="${value(5)}"\n`,
      ].join(''),
    );
    const ungated = findMatches(text, compileRuleset(passRules, { gateAfterWakes: Number.POSITIVE_INFINITY }));
    const gated = findMatches(text, compileRuleset(passRules, { gateAfterWakes: 0 }));
    expect(ungated.map((match) => match.ruleId).sort()).toEqual(['test.other-opening', 'test.pass-colon', 'test.pass-quoted', 'test.pass-quoted']);
    expect(gated).toEqual(ungated);
  });

  it('hides no match of the built-in rules: every example finds the same with every gate compiled', () => {
    // From the rule files: the cached catalogue the scan loads leaves the examples out.
    const rules = loadRules([BUILTIN_RULES_DIR]).filter((rule) => rule.detector === undefined);
    const specs = rules.map(matcherSpecOf);
    const ungated = compileRuleset(specs, { gateAfterWakes: Number.POSITIVE_INFINITY });
    const gated = compileRuleset(specs, { gateAfterWakes: 0 });
    const byId = new Map(rules.map((rule) => [rule.id, rule]));
    const random = new SeededRandom('part-gates');
    let compared = 0;
    let found = 0;
    for (const rule of rules) {
      for (const example of rule.examples) {
        const text = Buffer.from(new ExampleFiller(rule, random, (id) => byId.get(id)).fill(example.text));
        const expected = findMatches(text, ungated);
        expect(findMatches(text, gated), `${rule.origin.file}:${example.line}`).toEqual(expected);
        compared++;
        found += expected.length;
      }
    }
    expect(compared).toBeGreaterThan(1000);
    expect(found).toBeGreaterThanOrEqual(compared);
  });
});

describe('relaxed patterns', () => {
  it('turn counted repetitions into * and +, leaving classes and braced escapes alone', () => {
    expect(relaxedPattern(String.raw`(?i)ab{2,5}c{0,3}[x{2}]\{3}\x{41}{3}d{4}e{0,}(?:fg){1,}?`)).toBe(String.raw`(?i)ab+c*[x{2}]\{3}\x{41}+d+e*(?:fg)+?`);
    expect(relaxedPattern(String.raw`a{,5}`)).toBe(String.raw`a{,5}`);
    expect(relaxedPattern(String.raw`k=(?P<secret>[a-z]{8})|(?<secret2>x{2})[(?P<y>]`)).toBe(String.raw`k=([a-z]+)|(x+)[(?P<y>]`);
  });

  it('match wherever the pattern matches, so that a part is compiled only where it can match', () => {
    const ruleset = compileRuleset([spec('test.counted', String.raw`\b(zq_[a-z0-9]{20,40})\b`, ['zq_'])]);
    const part = ruleset.rules[0]!.parts[0]!;
    expect(findMatches(Buffer.from('the zq_ prefix, zq_-dash and "zq_"\n'), ruleset)).toEqual([]);
    expect(part.compiled).toBe(false);
    const token = `zq_${value(7).toLowerCase().replace(/[^a-z0-9]/g, '')}${value(8).toLowerCase()}`.slice(0, 30);
    expect(findMatches(Buffer.from(`key: ${token}\n`), ruleset).map((match) => match.secret)).toEqual([token]);
    expect(part.compiled).toBe(true);
  });
});
