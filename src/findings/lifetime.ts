/**
 * Refines a rule's declared lifetime with evidence from the value itself. A JWT says when it expires;
 * a value without an `exp` claim never does. Rules already encode what their prefix says (AKIA vs ASIA,
 * ghp_ vs ghs_); here is what only the value can tell.
 */
import type { Lifetime, Rule } from '../ruleset/rule.js';

export interface LifetimeAssessment {
  lifetime: Lifetime;
  evidence: string;
  expiresAt?: string;
  /** True when the value says it has already expired: still reported, at lower severity. */
  isExpired: boolean;
}

const SECONDS_PER_DAY = 86_400;
/** Tokens that live longer than a day are not "short-lived" in any useful sense. */
const SHORT_LIVED_MAX_SECONDS = SECONDS_PER_DAY;

export function assessLifetime(rule: Rule, attributes: Readonly<Record<string, string>>, now: Date = new Date()): LifetimeAssessment {
  const declared: LifetimeAssessment = { lifetime: rule.lifetime, evidence: rule.lifetimeEvidence, isExpired: false };
  if (attributes.alg === undefined) return declared; // only JWT-shaped values carry claims
  const exp = numberClaim(attributes.exp);
  const iat = numberClaim(attributes.iat);
  const issuer = attributes.iss ? ` issued by ${attributes.iss}` : '';
  if (exp === undefined) {
    return { lifetime: 'durable', evidence: `JWT${issuer} has no exp claim, so it never expires`, isExpired: false };
  }
  const expiresAt = new Date(exp * 1000).toISOString();
  const isExpired = exp * 1000 < now.getTime();
  if (iat !== undefined && exp > iat) {
    const seconds = exp - iat;
    const lifetime: Lifetime = seconds <= SHORT_LIVED_MAX_SECONDS ? 'short-lived' : 'durable';
    return {
      lifetime,
      evidence: `JWT${issuer} is valid for ${describeDuration(seconds)} (exp - iat)${isExpired ? `; it expired on ${expiresAt.slice(0, 10)}` : ''}`,
      expiresAt,
      isExpired,
    };
  }
  return {
    lifetime: isExpired ? 'short-lived' : declared.lifetime,
    evidence: `JWT${issuer} ${isExpired ? 'expired' : 'expires'} on ${expiresAt.slice(0, 10)}`,
    expiresAt,
    isExpired,
  };
}

function numberClaim(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

function describeDuration(seconds: number): string {
  if (seconds < 2 * 3600) return `${Math.round(seconds / 60)} minutes`;
  if (seconds < SECONDS_PER_DAY * 2) return `${Math.round(seconds / 3600)} hours`;
  if (seconds < SECONDS_PER_DAY * 730) return `${Math.round(seconds / SECONDS_PER_DAY)} days`;
  return `${Math.round(seconds / (SECONDS_PER_DAY * 365))} years`;
}
