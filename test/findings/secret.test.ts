import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { redact, Secret } from '../../src/findings/secret.js';

describe('Secret', () => {
  const raw = 'abcdefghijklmnopqrstuvwxyz0123456789ABCD';
  const secret = new Secret(raw);

  it('never shows the raw value when printed, logged or serialised', () => {
    expect(String(secret)).toBe('abcd…ABCD');
    expect(JSON.stringify({ secret })).toBe('{"secret":"abcd…ABCD"}');
    expect(inspect(secret)).toBe('Secret(abcd…ABCD)');
    expect(`${secret}`).not.toContain(raw);
  });

  it('gives the raw value only through reveal()', () => {
    expect(secret.reveal()).toBe(raw);
  });

  it.each([
    ['a short password shows nothing', 'hunter22', '********'],
    ['twenty characters show two at each end', 'ABCDEFGHIJKLMNOPQRST', 'AB…ST'],
    ['a multi-line key shows only the start of its first line', '-----BEGIN KEY-----\nbody\n-----END KEY-----', '-----BEGIN KEY-----…(redacted 42 chars)'],
  ])('%s', (_name, value, expected) => {
    expect(redact(value)).toBe(expected);
  });
});
