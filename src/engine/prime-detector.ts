/**
 * Runs the detector once, in each worker before its first batch, over a small made-up text with a
 * made-up rule set that takes every path of the detector: a validated match with a case-sensitive opening
 * and a word boundary before it, a generic match under a specific one, a rule split into parts, a gate, a
 * multiline rule, and a match that runs past a window cutting a long line (the second, wider look).
 *
 * Why: V8 optimises the detector within the first megabytes of a scan, and compiles out every path that
 * has not run yet. The first real match, the first multiline rule and the first gate then each threw the
 * optimised detector away and had it compiled again, 20–60 ms of compiling per time in each worker, while
 * the worker ran slower code meanwhile. Run once beforehand, these paths are in the first optimised code.
 * The rules and text are invented (no real format, no key-shaped text in this file); the matches are
 * dropped. It takes a few milliseconds.
 */
import { BLOCK_BYTES } from '../detectors/pattern.js';
import { compileRuleset, PartGroup, type CompiledRuleset } from '../ruleset/compile-rules.js';
import type { RuleMatcherSpec } from '../ruleset/rule.js';
import type { ItemOutcome } from './worker-protocol.js';
import { scanBytes } from './chunked-scan.js';

const PRIMER_RULES: RuleMatcherSpec[] = [
  { id: 'primer.token', pattern: String.raw`\b(zqx_[a-z0-9]{24})\b`, keywords: ['zqx_'], minEntropy: 2, validator: 'generic-assignment', generic: false, multiline: false },
  { id: 'primer.token-pair', pattern: String.raw`\b(zqx_pair_[a-z0-9]{16})\b`, keywords: ['zqx_'], generic: false, multiline: false },
  // A second validator (it rejects the made-up value): the detector's call of a validator then meets more than one.
  { id: 'primer.signed', pattern: String.raw`\b(zqs_[a-z0-9]{24})\b`, keywords: ['zqs_'], validator: 'jwt', generic: false, multiline: false },
  // A validator's verdict with attributes (the made-up value decodes as an unsigned JWT): verdicts come in
  // three shapes, and the first of a shape the optimised detector had not met threw it away.
  { id: 'primer.decoded', pattern: String.raw`\bzqj_([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)`, keywords: ['zqj_'], validator: 'jwt', generic: false, multiline: false },
  { id: 'generic.primer', pattern: String.raw`(?i)zqx_secret\s*=\s*"([a-z0-9_]{20,80})"`, keywords: ['zqx_secret'], generic: true, multiline: false },
  { id: 'primer.split', pattern: String.raw`(?i)(?:zqa|zqb)_key\s*=\s*([a-z0-9]{20})\b`, keywords: ['zqa', 'zqb'], generic: false, multiline: false },
  { id: 'primer.run', pattern: String.raw`\b(zqr_[a-z0-9]+)`, keywords: ['zqr_'], generic: false, multiline: false },
  { id: 'primer.block', pattern: String.raw`zqx-begin\n([a-z0-9\n]+?)\nzqx-end`, keywords: ['zqx-begin'], generic: false, multiline: true },
];

/**
 * A made-up value: random letters and digits in turn, so that entropy and validators judge it like a real
 * one every time (all letters could read as a word), and no fixed key-shaped string sits in this file.
 */
function randomValue(length: number): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const digits = '0123456789';
  let value = '';
  for (let index = 0; index < length; index++) {
    const alphabet = index % 2 === 0 ? letters : digits;
    value += alphabet[Math.floor(Math.random() * alphabet.length)];
  }
  return value;
}

/** Decodes as a JWT with `alg: none`; the claim is made up, so no real token sits in this file or in memory. */
function madeUpUnsignedJwt(): string {
  const part = (json: object) => Buffer.from(JSON.stringify(json)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ sub: randomValue(12) })}.${randomValue(16)}`;
}

function primerText(): Buffer {
  const token = `zqx_${randomValue(24)}`;
  const lines = [
    `const a = "${token}";`,
    `zqx_secret = "${token}"`,
    `zqa_key = ${randomValue(20)} zqb_key = ${randomValue(20)}`,
    `zqx_pair_${randomValue(16)} zqx_pair_${randomValue(16)}`,
    `zqs_${randomValue(24)}`,
    `zqj_${madeUpUnsignedJwt()}`,
    'zqx-begin',
    randomValue(40),
    randomValue(40),
    'zqx-end',
  ];
  const before = `${lines.join('\n')}\n`;
  // Then one line longer than a block and its margins, with a match that starts just before the first
  // block's end and runs past its window, which cuts the line: the detector takes a second, wider look.
  const padding = 'x'.repeat(BLOCK_BYTES - 16 - before.length);
  return Buffer.from(`${before}${padding} zqr_${randomValue(400)} zqx_${randomValue(24)} ${'y'.repeat(3000)}\n`);
}

/** Returns what the last round found, for the test that checks the primer still takes its paths. */
export function primeDetector(): ItemOutcome {
  // Gates from the first window (the real rule sets gate a part group only after 64 wakes).
  const ruleset = compileRuleset(PRIMER_RULES, { gateAfterWakes: 0 });
  const text = primerText();
  let outcome = scanBytes('primer', text, ruleset);
  for (let round = 1; round < 3; round++) outcome = scanBytes('primer', text, ruleset);
  primeGateMaking(ruleset, text);
  return outcome;
}

/**
 * A group of parts makes its gate once, when its keyword is common (see `PartGroup`), which in a scan is
 * always after V8 optimised the detector; and V8 records what code does only once the code has run for a
 * while, which the few gates of the rounds above do not reach. Making gates again here, many times, means
 * the first gate of a real scan is no longer new to the optimised detector (it threw that code away).
 */
function primeGateMaking(ruleset: CompiledRuleset, text: Buffer): void {
  const parts = ruleset.rules.flatMap((rule) => rule.parts).filter((part) => part.literalPrefix.startsWith('zqx_'));
  for (let made = 0; made < GATES_TO_MAKE; made++) new PartGroup(parts, 0).admits(text);
}

const GATES_TO_MAKE = 24;
