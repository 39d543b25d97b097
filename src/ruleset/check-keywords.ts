/**
 * Keyword soundness, one of the checks a rule must pass (see check-examples.ts). The detector runs a rule
 * only on windows where one of its keywords occurs, so a rule whose pattern can match text without any of
 * its keywords finds that text only when something else nearby happens to wake it: its recall then
 * depends on the neighbourhood. Random strings the pattern matches (randexp over a JavaScript form of the
 * pattern, each confirmed by RE2 itself) must each hold one of the keywords, in any case.
 *
 * A rule whose keywords are deliberately context, not part of its match (a bare token format reported
 * only near a name that says what it is), says so with `context_keywords: true`; it must then really
 * need it. A rule with `preceded_by` is not checked: its keywords may be in the text before the match.
 */
import randexpModule from 'randexp';
import RE2 from 're2';
import { SeededRandom } from './fake-secrets.js';
import type { Rule } from './rule.js';

// randexp is CommonJS; its typings declare an ES default export one level deeper than Node gives it.
const RandExp = randexpModule as unknown as typeof randexpModule.default;

/** Random matches drawn per rule: enough to meet every separator and spelling of a typical pattern. */
const SAMPLES = 40;

/** The problem with a rule's keywords, or undefined when they are sound (or the rule is not checked). */
export function keywordProblem(rule: Rule, seed: string): string | undefined {
  if (rule.detector !== undefined || rule.precededBy !== undefined) return undefined;
  const samples = matchesOf(rule.pattern, new SeededRandom(`${seed}\0keywords\0${rule.id}`));
  if (samples.length === 0) return undefined; // randexp could not write a match RE2 agrees with: nothing to judge
  const keywords = rule.keywords.map((keyword) => keyword.toLowerCase());
  const without = samples.filter((sample) => !keywords.some((keyword) => sample.toLowerCase().includes(keyword)));
  if (rule.contextKeywords) {
    return without.length === 0 ? `every match holds one of its keywords: drop 'context_keywords'` : undefined;
  }
  if (without.length === 0) return undefined;
  return (
    `${without.length} of ${samples.length} random matches of the pattern hold none of its keywords, e.g. ${JSON.stringify(without[0]!.slice(0, 60))}: ` +
    `add the keywords they hold, narrow the pattern to the spellings the keywords name, or mark the keywords as context (context_keywords: true)`
  );
}

/** Up to SAMPLES strings the pattern matches, as RE2 matches them, drawn from a seeded random source. */
function matchesOf(pattern: string, random: SeededRandom): string[] {
  let generator: InstanceType<typeof RandExp>;
  try {
    generator = new RandExp(javascriptForm(pattern));
  } catch {
    return []; // a construct JavaScript lacks (RE2 checked the pattern itself when the rule loaded)
  }
  generator.randInt = (min: number, max: number) => random.int(min, max);
  generator.max = 6;
  // Printable ASCII only: what source code and configuration are made of.
  generator.defaultRange.subtract(0, 31);
  generator.defaultRange.subtract(127, 0x10ffff);
  const re2 = new RE2(pattern, 'u');
  const samples: string[] = [];
  for (let attempt = 0; attempt < SAMPLES; attempt++) {
    const match = re2.exec(generator.gen());
    if (match) samples.push(match[0]);
  }
  return samples;
}

/** The pattern in JavaScript syntax, for randexp: RE2's inline flags and named groups rewritten. */
function javascriptForm(pattern: string): RegExp {
  let body = pattern;
  let flags = '';
  const leading = /^\(\?([imsU]+)\)/.exec(body);
  if (leading) {
    // Without `i` where part of the pattern turns it off again (`(?-i:[A-Z0-9]{36})`): randexp then writes
    // the case-insensitive parts as written, which RE2 still matches, and the case-sensitive ones right.
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
