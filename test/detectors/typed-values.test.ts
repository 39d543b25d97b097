/**
 * The marks of a typed, made-up value (typed-values.ts): each question on values that must and must not
 * count, and the odds claim behind them checked on seeded random tokens, which must never count.
 */
import { describe, expect, it } from 'vitest';
import { hasAscendingRun, hasSequentialRun, isWholeRun } from '../../src/detectors/validators/typed-values.js';
import { SeededRandom } from '../../src/ruleset/fake-secrets.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function randomToken(random: SeededRandom, length: number): string {
  let token = '';
  for (let index = 0; index < length; index++) token += BASE62[random.int(0, BASE62.length - 1)];
  return token;
}

describe('hasAscendingRun', () => {
  it.each([
    ['AIzaSyAbcdefghijklmn', 6, true],
    ['x12345678y', 8, true],
    ['x1234567y', 8, false],
    ['ABCDEF', 6, true],
    // Case as written: `aBcDeF` is not a run of character codes.
    ['aBcDeF', 6, false],
    // Descending runs are another question (hasSequentialRun).
    ['fedcba987654', 6, false],
  ])('%s, run of %i: %s', (value, length, expected) => {
    expect(hasAscendingRun(value, length)).toBe(expected);
  });

  it('never holds in 2,000 random 40-character base62 tokens at length 6', () => {
    const random = new SeededRandom('typed-values ascending');
    const found = Array.from({ length: 2000 }, () => randomToken(random, 40)).filter((token) => hasAscendingRun(token, 6));
    expect(found).toEqual([]);
  });
});

describe('isWholeRun', () => {
  it.each([
    ['abcdef', true],
    ['987654', true],
    ['abcdefg1', false],
    ['abcde', false],
    ['acegik', false],
    // The keyboard's digit row goes on from 9 to 0, either way.
    ['1234567890', true],
    ['0987654321', true],
    ['7890123', true],
    ['1234567809', false],
  ])('%s: %s', (value, expected) => {
    expect(isWholeRun(value)).toBe(expected);
  });
});

describe('hasSequentialRun', () => {
  it.each([
    ['key_abcdef_value', true],
    ['KEY-ABCDEF', true],
    ['token987654', true],
    ['a1b2c3d4e5f6', true],
    ['wxyz-mnop', true],
    ['my-qwerty-pass', true],
    ['xk29dq', false],
    ['abc-xyz', false],
  ])('%s: %s', (value, expected) => {
    expect(hasSequentialRun(value)).toBe(expected);
  });

  it('holds in fewer than 1 in 200 random 32-character base62 tokens', () => {
    const random = new SeededRandom('typed-values sequential');
    const tokens = Array.from({ length: 2000 }, () => randomToken(random, 32));
    expect(tokens.filter((token) => hasSequentialRun(token)).length).toBeLessThan(10);
  });
});
