import { describe, expect, it } from 'vitest';
import { assessLifetime } from '../../src/findings/lifetime.js';
import type { Rule } from '../../src/ruleset/rule.js';

const rule = { lifetime: 'unknown', lifetimeEvidence: 'declared' } as Rule;
const now = new Date('2026-11-29T00:00:00Z');
const seconds = (iso: string) => String(Date.parse(iso) / 1000);

describe('lifetime from a JWT', () => {
  it('no exp claim: durable', () => {
    expect(assessLifetime(rule, { alg: 'HS256', iss: 'acme' }, now)).toMatchObject({ lifetime: 'durable', evidence: 'JWT issued by acme has no exp claim, so it never expires' });
  });

  it('one hour between iat and exp: short-lived', () => {
    const result = assessLifetime(rule, { alg: 'RS256', iat: seconds('2026-12-01T00:00:00Z'), exp: seconds('2026-12-01T01:00:00Z') }, now);
    expect(result).toMatchObject({ lifetime: 'short-lived', isExpired: false, expiresAt: '2026-12-01T01:00:00.000Z' });
    expect(result.evidence).toBe('JWT is valid for 60 minutes (exp - iat)');
  });

  it('ten years between iat and exp: durable', () => {
    expect(assessLifetime(rule, { alg: 'RS256', iat: seconds('2020-01-01T00:00:00Z'), exp: seconds('2030-01-01T00:00:00Z') }, now).lifetime).toBe('durable');
  });

  it('already expired: reported as such', () => {
    expect(assessLifetime(rule, { alg: 'RS256', iat: seconds('2025-01-01T00:00:00Z'), exp: seconds('2025-01-01T01:00:00Z') }, now)).toMatchObject({ isExpired: true, evidence: 'JWT is valid for 60 minutes (exp - iat); it expired on 2025-01-01' });
  });

  it('not a JWT: the rule decides', () => {
    expect(assessLifetime(rule, {}, now)).toMatchObject({ lifetime: 'unknown', evidence: 'declared' });
  });
});
