/**
 * The bounds on one rule's matches and values in one input (match-limit.ts): the counter itself, the
 * detector leaving a stopped rule out of its search, and a new version of a file scanned only where it
 * changed, which must keep exactly what a whole scan of that version keeps.
 */
import { describe, expect, it } from 'vitest';
import { scanChangedRegion } from '../../src/engine/changed-region.js';
import { scanBytes } from '../../src/engine/chunked-scan.js';
import { MatchLimit, MAX_VALUES_PER_RULE } from '../../src/engine/match-limit.js';
import { findMatches } from '../../src/detectors/pattern.js';
import { compileRuleset } from '../../src/ruleset/compile-rules.js';
import { BUILTIN_RULES_DIR, loadRules } from '../../src/ruleset/load-rules.js';
import { matcherSpecOf } from '../../src/ruleset/rule.js';
import { fakeMaker } from '../support/fakes.js';

const ruleset = compileRuleset(loadRules([BUILTIN_RULES_DIR]).map(matcherSpecOf));
const fakes = fakeMaker('match-limit');

/** A line that the unquoted-password rule reports, a different value for each index. */
const passwordLine = (index: number) => `password=Vq${(index * 7919) % 1_000_003}zR${index % 97}\n`;
const dumpOf = (count: number) => Array.from({ length: count }, (_, index) => passwordLine(index)).join('');

describe('MatchLimit', () => {
  it('stops a rule that meets more different values than the bound, and that rule only', () => {
    const limit = new MatchLimit(100, 2);
    expect(['a1', 'a2', 'b1', 'a1', 'a3', 'a1', 'b2'].map((match) => limit.admit(match[0]!, match))).toEqual([true, true, true, true, false, false, true]);
    expect(limit.reached).toEqual([{ ruleId: 'a', bound: 'values' }]);
    expect(limit.rulesToSkip).toEqual(new Set(['a']));
  });

  it('past the bound of matches, keeps only values not met before, and goes on searching', () => {
    const limit = new MatchLimit(3, 100);
    expect(['x', 'x', 'x', 'x', 'y', 'x', 'y', 'z'].map((secret) => limit.admit('a', secret))).toEqual([true, true, true, false, true, false, false, true]);
    expect(limit.reached).toEqual([{ ruleId: 'a', bound: 'matches' }]);
    expect(limit.rulesToSkip).toBeUndefined();
  });

  it('says nothing while no rule has reached a bound', () => {
    const limit = new MatchLimit(2, 2);
    limit.admit('a', 'x');
    limit.admit('a', 'y');
    expect(limit.reached).toBeUndefined();
    expect(limit.rulesToSkip).toBeUndefined();
  });
});

describe('the detector and a stopped rule', () => {
  it('leaves the rules it is told to skip out of its search, and finds the others', () => {
    const token = fakes.fake('github.pat.classic');
    const bytes = Buffer.from(`${passwordLine(1)}GITHUB_TOKEN=${token}\n`);
    const ruleIds = (skipRules?: ReadonlySet<string>) => findMatches(bytes, ruleset, { skipRules }).map((match) => match.ruleId).sort();
    expect(ruleIds()).toEqual(['generic.password.unquoted', 'github.pat.classic']);
    expect(ruleIds(new Set(['generic.password.unquoted']))).toEqual(['github.pat.classic']);
  });
});

describe('a new version scanned where it changed', () => {
  it('is scanned whole instead when the values carried over and found would pass the bound', () => {
    // The version before holds exactly the bound; the new one adds a line in the middle.
    const before = Buffer.from(dumpOf(MAX_VALUES_PER_RULE));
    const previous = scanBytes('users.env', before, ruleset);
    if (previous.kind !== 'scanned') throw new Error('not scanned');
    expect(previous.limits).toBeUndefined();
    const lines = dumpOf(MAX_VALUES_PER_RULE).split('\n');
    lines.splice(MAX_VALUES_PER_RULE / 2, 0, passwordLine(MAX_VALUES_PER_RULE + 1).trimEnd());
    const current = Buffer.from(lines.join('\n'));
    expect(scanChangedRegion({ bytes: before, matches: previous.matches }, current, ruleset)).toBeUndefined();
    const whole = scanBytes('users.env', current, ruleset);
    expect(whole).toMatchObject({ kind: 'scanned', limits: [{ ruleId: 'generic.password.unquoted', bound: 'values' }] });
  });

  it('is still scanned where it changed below the bound', () => {
    // Large enough that carrying most of it over pays (a few KB).
    const before = Buffer.from(dumpOf(600));
    const previous = scanBytes('users.env', before, ruleset);
    if (previous.kind !== 'scanned') throw new Error('not scanned');
    const current = Buffer.concat([before, Buffer.from(`# ${'padding '.repeat(1000)}\n${passwordLine(601)}`)]);
    const changed = scanChangedRegion({ bytes: before, matches: previous.matches }, current, ruleset);
    expect(changed?.carriedBytes).toBeGreaterThan(0);
    expect(changed?.matches.length).toBe(601);
  });
});
