/**
 * Keyword soundness. The detector runs a rule only on windows where one of its keywords occurs, so a rule
 * whose pattern can match text without any of its keywords finds that text only when something else in
 * the window happens to wake it: its recall then depends on the neighbourhood. For every rule, random
 * strings its pattern matches (randexp over a JavaScript form of the pattern, each confirmed by RE2
 * itself) must each contain one of its keywords.
 */
import randexpModule from 'randexp';
import RE2 from 're2';
import { describe, expect, it } from 'vitest';
import { loadBuiltinRules } from '../src/ruleset/builtin-cache.js';
import { SeededRandom } from '../src/ruleset/fake-secrets.js';

// randexp is CommonJS; its typings declare an ES default export one level deeper than Node gives it.
const RandExp = randexpModule as unknown as typeof randexpModule.default;

/**
 * Rules whose keywords are knowingly not in every match, and why. The test fails for a rule that is not
 * listed and for a listed rule that has become sound, so the list only shrinks.
 */
const KNOWN_CONTEXT_KEYWORDS: Record<string, string> = {
  'discord.bot-token': 'the bare token format is too generic to report alone: the keywords are the nearby name or call that it needs',
  'facebook.app-access-token': 'an app id and secret joined by `|` are reported only near a name that says so (or URL-encoded, `%7C`)',
};

/** The pattern in JavaScript syntax, for randexp: RE2's inline flags and named groups rewritten. */
function javascriptForm(pattern: string): RegExp {
  let body = pattern;
  let flags = '';
  const leading = /^\(\?([imsU]+)\)/.exec(body);
  if (leading) {
    // Without `i` where part of the pattern turns it off again (`(?-i:[A-Z0-9]{36})`): randexp then writes the
    // case-insensitive parts as written, which RE2 still matches, and the case-sensitive ones right.
    flags = leading[1]!.includes('i') && !pattern.includes('(?-i') ? 'i' : '';
    body = body.slice(leading[0].length);
  }
  body = body
    .replace(/\(\?P?<[A-Za-z0-9_]+>/g, '(')
    .replace(/\(\?-?[imsU]+:/g, '(?:')
    .replace(/\(\?[imsU]+\)/g, '')
    .replace(/\\z/g, '$')
    .replace(/\\A/g, '^');
  return new RegExp(body, flags);
}

/** Up to `count` strings the rule's pattern matches (as RE2 matches them), made from a seeded random source. */
function samplesOf(rule: { id: string; pattern: string }, count: number): string[] {
  const generator = new RandExp(javascriptForm(rule.pattern));
  const random = new SeededRandom(`keywords:${rule.id}`);
  generator.randInt = (min: number, max: number) => random.int(min, max);
  generator.max = 6;
  // Printable ASCII only: what source code and configuration are made of.
  generator.defaultRange.subtract(0, 31);
  generator.defaultRange.subtract(127, 0x10ffff);
  const re2 = new RE2(rule.pattern, 'u');
  const samples: string[] = [];
  for (let attempt = 0; attempt < count; attempt++) {
    const match = re2.exec(generator.gen());
    if (match) samples.push(match[0]);
  }
  return samples;
}

describe('every match of a rule holds one of its keywords', () => {
  // Structural rules have no pattern; a `preceded_by` rule may take its keyword from the text before the match.
  const rules = loadBuiltinRules().filter((rule) => rule.detector === undefined && rule.precededBy === undefined);

  it.each(rules.map((rule) => [rule.id, rule] as const))('%s', (id, rule) => {
    const samples = samplesOf(rule, 40);
    expect(samples.length, 'no generated string matched: the test cannot judge this rule').toBeGreaterThan(0);
    const keywords = rule.keywords.map((keyword) => keyword.toLowerCase());
    const without = samples.filter((sample) => !keywords.some((keyword) => sample.toLowerCase().includes(keyword)));
    if (id in KNOWN_CONTEXT_KEYWORDS) expect(without.length, `listed as known, but every match now holds a keyword: remove it from the list`).toBeGreaterThan(0);
    else expect(without, `matches without any of [${rule.keywords.join(', ')}]`).toEqual([]);
  });
});
