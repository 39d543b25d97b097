import { describe, expect, it } from 'vitest';
import { fingerprintOf, secretHashOf } from '../../src/findings/fingerprint.js';

describe('fingerprints', () => {
  it('are stable for the same rule and value, whatever the location', () => {
    const hash = secretHashOf('value-one', 'org key');
    expect(fingerprintOf('github.pat.classic', hash)).toBe(fingerprintOf('github.pat.classic', secretHashOf('value-one', 'org key')));
    expect(fingerprintOf('github.pat.classic', hash)).toMatch(/^sprawl\/v1:[0-9a-f]{40}$/);
  });

  it('differ by rule and by value', () => {
    const hash = secretHashOf('value-one');
    expect(fingerprintOf('a.rule', hash)).not.toBe(fingerprintOf('b.rule', hash));
    expect(secretHashOf('value-one')).not.toBe(secretHashOf('value-two'));
  });

  it('are keyed: without the organisation key, a hash cannot be recomputed from a guessed value', () => {
    expect(secretHashOf('hunter22', 'key A')).not.toBe(secretHashOf('hunter22', 'key B'));
    expect(secretHashOf('hunter22', 'key A')).toMatch(/^[0-9a-f]{64}$/);
  });
});
