/**
 * Severity of a finding: the rule's, adjusted by what we learned. A failed checksum (most often a
 * made-up example) drops to low; an expired token or an encrypted key drops one step. The numeric
 * `security-severity` that GitHub ranks by adds lifetime: a durable key outranks a one-hour token.
 */
import type { Lifetime, Severity } from '../ruleset/rule.js';
import type { Validation } from './finding.js';

const SEVERITY_ORDER: readonly Severity[] = ['low', 'medium', 'high', 'critical'];
const BASE_SCORE: Readonly<Record<Severity, number>> = { critical: 9.3, high: 7.8, medium: 5.5, low: 3.0 };
const LIFETIME_ADJUSTMENT: Readonly<Record<Lifetime, number>> = { durable: 0.5, refresh: 0.4, unknown: 0, 'short-lived': -1.5 };

export function severityRank(severity: Severity): number {
  return SEVERITY_ORDER.indexOf(severity);
}

export function lowerSeverity(severity: Severity): Severity {
  return SEVERITY_ORDER[Math.max(0, severityRank(severity) - 1)]!;
}

export interface SeverityInputs {
  ruleSeverity: Severity;
  lifetime: Lifetime;
  validation: Validation;
  isExpired: boolean;
  isEncryptedKey: boolean;
}

export function assessSeverity(inputs: SeverityInputs): { severity: Severity; securitySeverity: number } {
  let severity = inputs.ruleSeverity;
  if (inputs.validation.status === 'checksum-failed') severity = 'low';
  if (inputs.isExpired) severity = lowerSeverity(severity);
  if (inputs.isEncryptedKey) severity = lowerSeverity(severity);
  let score = BASE_SCORE[severity] + LIFETIME_ADJUSTMENT[inputs.lifetime];
  if (inputs.validation.status === 'valid') score += 0.2;
  score = Math.min(10, Math.max(0.1, score));
  return { severity, securitySeverity: Math.round(score * 10) / 10 };
}
