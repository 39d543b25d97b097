/**
 * The pattern rewriting behind RE2's literal search (src/ruleset/fast-pattern.ts): what it takes off a
 * pattern, what it leaves alone, and, the part that matters, that the detector then finds exactly what
 * the original pattern finds, run whole by RE2 over the same text.
 */
import randexpModule from 'randexp';
import RE2 from 're2';
import { describe, expect, it } from 'vitest';
import { findMatches } from '../../src/detectors/pattern.js';
import { compileRuleset } from '../../src/ruleset/compile-rules.js';
import { fastPatternParts, partOfPlan, planPattern, relaxedPattern } from '../../src/ruleset/fast-pattern.js';
import { loadBuiltinRules } from '../../src/ruleset/builtin-cache.js';
import { SeededRandom } from '../../src/ruleset/fake-secrets.js';
import { loadRules, BUILTIN_RULES_DIR } from '../../src/ruleset/load-rules.js';

// randexp is CommonJS; its typings declare an ES default export one level deeper than Node gives it.
const RandExp = randexpModule as unknown as typeof randexpModule.default;
type RandExp = InstanceType<typeof RandExp>;

describe('fastPatternParts', () => {
  it('takes a leading \\b off a pattern that then begins with a literal', () => {
    const [part, ...rest] = fastPatternParts(String.raw`\b(zq_[a-z0-9]{20})\b`);
    expect(rest).toEqual([]);
    expect(part!.pattern).toBe(String.raw`(zq_[a-z0-9]{20})\b`);
    expect(part!.before).toEqual({ wordBoundary: true });
    expect(part!.literalPrefix).toBe('zq_');
    expect(part!.exactPrefix).toBe('zq_');
    expect(fastPatternParts(String.raw`(?i)\b(ZQ_[a-z0-9]{20})\b`)[0]!.exactPrefix).toBeUndefined();
    expect(fastPatternParts(String.raw`\b(ZQ_[a-z0-9]{20})\b`)[0]!.literalPrefix).toBe('zq_');
    expect(fastPatternParts(String.raw`\b(ZQ_[a-z0-9]{20})\b`)[0]!.exactPrefix).toBe('ZQ_');
  });

  it('keeps \\b where no literal follows it', () => {
    const parts = fastPatternParts(String.raw`(?i)\b[a-z][a-z0-9+.-]{1,30}://x`);
    expect(parts).toEqual([{ pattern: String.raw`(?i)\b[a-z][a-z0-9+.-]{1,30}://x`, literalPrefix: '', openings: [''] }]);
  });

  it('splits a leading alternation into one part per branch, flags and \\b carried into each', () => {
    const parts = fastPatternParts(String.raw`(?i)\b(?:vault|to\.ken)[\w.-]{0,20}=(s\.[a-z]{8})`);
    expect(parts.map((part) => part.pattern)).toEqual([String.raw`(?i)vault[\w.-]{0,20}=(s\.[a-z]{8})`, String.raw`(?i)to\.ken[\w.-]{0,20}=(s\.[a-z]{8})`]);
    expect(parts.map((part) => part.literalPrefix)).toEqual(['vault', 'to.ken']);
  });

  it('leaves an alternation alone when splitting could change group numbers or meaning', () => {
    for (const pattern of [String.raw`(?:(a)|b)c(d)`, String.raw`(?:ab|cd)?ef(g)`, String.raw`(?:ab|cd)+ef(g)`, String.raw`(?:ab|[c-d]x)ef(g)`, String.raw`(?:ab|cd)e(f)|gh(i)`, String.raw`\bab(c)|de(f)`]) {
      expect(fastPatternParts(pattern)).toHaveLength(1);
      expect(fastPatternParts(pattern)[0]!.pattern).toBe(pattern);
    }
  });

  it('turns a one-character look-behind into a byte table, honouring case-insensitivity', () => {
    const [part] = fastPatternParts(String.raw`(?im)(?:^|[^a-z0-9$>])pass=(\w+)`);
    expect(part!.pattern).toBe(String.raw`(?im)pass=(\w+)`);
    const allowed = part!.before!.allowedBytes!;
    const admits = (char: string) => allowed[char.charCodeAt(0)] === 1;
    expect([' ', '_', '.', '"', '\n'].every(admits)).toBe(true);
    expect(['a', 'Z', '7', '$', '>'].some(admits)).toBe(false);
    expect(part!.before!.multiline).toBe(true);
  });
});

describe('openings', () => {
  const openingsOf = (pattern: string) => fastPatternParts(pattern).map((part) => part.openings);

  it('carries the literal prefix on through optional characters and small classes', () => {
    expect(openingsOf(String.raw`(?i)(?:ado[_-]|token)[\w.-]{0,30}=(\w+)`)).toEqual([['ado_', 'ado-'], ['token']]);
    expect(openingsOf(String.raw`(?i)web_?identity[\w.]*=(\w+)`)).toEqual([['webidentity', 'web_identity']]);
    expect(openingsOf(String.raw`(?i)dd[\._-]?api[_.-]?key=(\w+)`)[0]).toEqual(expect.arrayContaining(['ddapikey=', 'dd.api_key=', 'dd_api-key=', 'dd-api.key=']));
    expect(openingsOf(String.raw`ZQ[_-]x(\w+)`)).toEqual([['zq_x', 'zq-x']]);
  });

  it('stops at a range, a negated class, a repetition or a group, and before growing past sixteen', () => {
    expect(openingsOf(String.raw`ab[a-c]x(\w+)`)).toEqual([['ab']]);
    expect(openingsOf(String.raw`ab[^_]x(\w+)`)).toEqual([['ab']]);
    expect(openingsOf(String.raw`ab[_-]+x(\w+)`)).toEqual([['ab']]);
    expect(openingsOf(String.raw`ab_*x(\w+)`)).toEqual([['ab']]);
    expect(openingsOf(String.raw`ab(?:cd)?x(\w+)`)).toEqual([['ab']]);
    // A third class would make 27: the openings stop at the nine of the first two.
    expect(openingsOf(String.raw`ab[_.-][_.-][_.-]x(\w+)`)[0]!.sort()).toEqual(['ab_', 'ab.', 'ab-'].flatMap((head) => ['_', '.', '-'].map((tail) => head + tail)).sort());
    expect(openingsOf(String.raw`[a-z]+_key=(\w+)`)).toEqual([['']]);
  });

  it('covers every match: each match of a seeded random pattern begins with one of its openings', () => {
    // Pieces the expansion reads (optional characters, small classes) mixed with those that stop it.
    const pieces = ['ab', 'zq', 'x', '_', '-', '\\.', '[_-]', '[_.-]', '[a-c]', '[^_]', '?', '?', '+', '*', '{2}', '(?:', ')', '|', '\\d'];
    const random = new SeededRandom('openings-fuzz');
    let checked = 0;
    for (let round = 0; round < 3000; round++) {
      let body = pieces[random.int(0, 2)]!;
      for (let count = random.int(1, 7); count > 0; count--) body += pieces[random.int(0, pieces.length - 1)];
      const pattern = (random.int(0, 1) === 1 ? '(?i)' : '') + body;
      let generator: RandExp;
      try {
        new RE2(pattern, 'u');
        generator = new RandExp(new RegExp(body, pattern.startsWith('(?i)') ? 'i' : ''));
      } catch {
        continue;
      }
      generator.randInt = (min: number, max: number) => random.int(min, max);
      generator.max = 3;
      for (const part of fastPatternParts(pattern)) {
        const regex = new RE2(part.pattern, 'u');
        for (let sample = 0; sample < 8; sample++) {
          const found = regex.exec(generator.gen());
          if (!found) continue;
          const text = found[0].toLowerCase();
          expect(part.openings.some((opening) => text.startsWith(opening)), `${pattern}: ${JSON.stringify(found[0])} against ${JSON.stringify(part.openings)}`).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(3000);
  });
});

describe('planPattern', () => {
  it('gives, for every built-in rule, the parts and relaxed forms the pattern text gives, as JSON', () => {
    const rules = loadRules([BUILTIN_RULES_DIR]).filter((rule) => rule.detector === undefined);
    expect(rules.length).toBeGreaterThan(300);
    let withByteTable = 0;
    for (const rule of rules) {
      // Through JSON, as the plan travels in the rule cache and to the workers.
      const plan = JSON.parse(JSON.stringify(rule.plan));
      const parsed = fastPatternParts(rule.pattern);
      expect(plan.map(partOfPlan), rule.id).toEqual(parsed);
      expect(plan.map((part: { relaxed: string }) => part.relaxed), rule.id).toEqual(parsed.map((part) => relaxedPattern(part.pattern)));
      if (parsed.some((part) => part.before?.allowedBytes)) withByteTable++;
    }
    // The byte tables' packing is checked on real tables, not only on rules without one.
    expect(withByteTable).toBeGreaterThan(5);
  });

  it('plans any pattern RE2 accepts, and the plan compiles and gives back the same parts', () => {
    // Seeded random patterns from pieces that the rewriting treats specially: openings, classes,
    // escapes, groups, alternations and counted repetitions, valid or not (RE2 decides which to keep).
    const pieces = ['a', 'b', '\\b', '(?i)', '(?m)', '(?s)', '(', ')', '(?:', '(?P<secret>', '(?<secret2>', '|', '[', ']', '^', '$', '[^a-z]', '\\w', '\\d', '\\.', '\\Q.*\\E', '{2}', '{1,3}', '{0,}', '*', '+', '?', '\\x{41}', '\\p{L}', '[[:alpha:]]', '\\]', '[\\]]', '(?:^|[^a-z])', 'zq_', 'Zq_', 'token', 'TOKEN'];
    const random = new SeededRandom('plan-fuzz');
    let planned = 0;
    for (let round = 0; round < 8000; round++) {
      let pattern = '';
      for (let count = random.int(1, 8); count > 0; count--) pattern += pieces[random.int(0, pieces.length - 1)];
      try {
        new RE2(pattern, 'u');
      } catch {
        continue;
      }
      const plan = JSON.parse(JSON.stringify(planPattern(pattern)));
      expect(plan.map(partOfPlan), pattern).toEqual(fastPatternParts(pattern));
      for (const part of plan) {
        expect(() => new RE2(part.pattern, 'u'), pattern).not.toThrow();
        expect(() => new RE2(part.relaxed, 'u'), pattern).not.toThrow();
      }
      planned++;
    }
    expect(planned).toBeGreaterThan(2000);
  });

  it('is what the built-in rule cache holds', () => {
    for (const rule of loadBuiltinRules().filter((each) => each.detector === undefined)) expect(rule.plan, rule.id).toEqual(planPattern(rule.pattern));
  });
});

/** A password-like value made here, so that this file holds no literal assignment for a scan to flag. */
function generatedValue(seed: number): string {
  return Array.from({ length: 12 }, (_, index) => 'abcdefghjkmnpqrstuvwxyz23456789'[(seed * 7 + index * 13) % 31]).join('');
}

/** Every secret the original pattern finds in `text`, run whole by RE2, as `start-end:value`. */
function referenceSecrets(pattern: string, text: string): string[] {
  const regex = new RE2(pattern, 'gdu');
  const bytes = Buffer.from(text);
  const found: string[] = [];
  for (let match = regex.exec(bytes); match; match = regex.exec(bytes)) {
    if (match[0].length === 0) regex.lastIndex++;
    const named = match.indices?.groups ?? {};
    const span = named.secret ?? named.secret2 ?? match.indices?.[1];
    if (span) found.push(`${span[0]}-${span[1]}:${bytes.toString('utf8', span[0], span[1])}`);
  }
  return found;
}

function detectorSecrets(pattern: string, keywords: string[], text: string, precededBy?: string): string[] {
  const ruleset = compileRuleset([{ id: 'test.rule', pattern, keywords, generic: false, multiline: false, ...(precededBy ? { precededBy } : {}) }]);
  return findMatches(Buffer.from(text), ruleset).map((match) => `${match.secretStart}-${match.secretEnd}:${match.secret}`);
}

describe('the detector finds exactly what the original pattern finds', () => {
  const cases: Array<{ name: string; pattern: string; keywords: string[]; text: string }> = [
    {
      name: 'leading \\b: inside a word no, after punctuation yes, and a retry inside a rejected match',
      pattern: String.raw`\b(zq[a-z.]{3,})`,
      keywords: ['zq'],
      text: 'xzqabc zqdef\nazq.zqghi "zqjkl" é zqmno _zqpqr',
    },
    {
      name: 'a pattern that is itself an alternation keeps its \\b: only the first branch asks for one',
      pattern: String.raw`\bzq=(?P<secret>\w{3,})|yy=(?P<secret2>\w{3,})`,
      keywords: ['zq', 'yy'],
      text: 'xyy=abc zq=def azq=ghi yy=jkl',
    },
    {
      name: 'split alternation with \\b, several branches on one line',
      pattern: String.raw`(?i)\b(?:vault|token)[\w.-]{0,20}\s*[:=]\s*["']?(s\.[A-Za-z0-9]{8})\b`,
      keywords: ['vault', 'token'],
      text: 'vault_addr = "s.Abcdefgh"\nmytoken: s.Zyxwvuts\nVAULT_TOKEN=s.Qwertyui, token2=s.Asdfghjk\nxvault=s.Nopqrstu',
    },
    {
      name: 'case-sensitive opening: the keyword set wakes it on any case, the search starts at the opening as written',
      pattern: String.raw`\b(ZQX[a-z0-9]{6})\b`,
      keywords: ['zqx'],
      text: 'ZQXfirst1 zqxabcdef ZqXabcdef ZQX12 ZQXabc123 zqx\nxZQXabcdef ZQXqwerty.ZQXzzzzz1',
    },
    {
      name: 'one-character look-behind with (?m)^',
      pattern: String.raw`(?im)(?:pass(?:word|wd)|pwd|(?:^|[^A-Za-z0-9$>])pass)[ \t]*[:=][ \t]*"(?P<secret>[^"\n]{6,})"`,
      keywords: ['pass', 'pwd'],
      text: ['pass = ', 'bypass = ', 'db_pass: ', '$pass = ', 'user.password=', '>pass=', 'PWD='].map((key, index) => `${key}"${generatedValue(index)}"`).join('\n'),
    },
  ];
  for (const { name, pattern, keywords, text } of cases) {
    it(name, () => {
      const expected = referenceSecrets(pattern, text);
      expect(expected.length).toBeGreaterThan(1);
      // Parts report in turn, so compare as sets of positions.
      expect(detectorSecrets(pattern, keywords, text).sort()).toEqual(expected.sort());
    });
  }

  it("a pattern that starts at its keyword, with the names in front as 'preceded_by', finds what the whole pattern finds", () => {
    const text = 'api_token = "abcdefgh12"\npage_token = "abcdefgh34"\nbottoken="zzzzzzzz99"\nxbot-token = "qqqqqqqq56"\ntoken = "wwwwwwww78"\nAPI.TOKEN="eeeeeeee90"';
    const whole = String.raw`(?i)(?:api|bot)[_.-]?token\s*=\s*"([a-z0-9]{8,})"`;
    const expected = referenceSecrets(whole, text);
    expect(expected).toHaveLength(4);
    expect(detectorSecrets(String.raw`(?i)token\s*=\s*"([a-z0-9]{8,})"`, ['token'], text, '(?i)(?:api|bot)[_.-]?').sort()).toEqual(expected.sort());
  });
});
