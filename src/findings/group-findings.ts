/**
 * Groups matches into findings: one per (rule, secret value), with every place the value occurs. This is
 * where sprawl is counted. Secret values are hashed on arrival and wrapped in `Secret`.
 */
import type { MatchAt } from '../engine/scan.js';
import type { Rule } from '../ruleset/rule.js';
import { isSuppressed, type Finding, type Occurrence, type Validation } from './finding.js';
import { fingerprintOf, secretHashOf, type Fingerprint } from './fingerprint.js';
import { assessLifetime } from './lifetime.js';
import { Secret } from './secret.js';
import { assessSeverity, severityRank } from './severity.js';

export interface GroupOptions {
  rulesById: ReadonlyMap<string, Rule>;
  fingerprintKey?: string;
  now?: Date;
}

export function groupFindings(matches: Iterable<MatchAt>, options: GroupOptions): Finding[] {
  const byFingerprint = new Map<Fingerprint, Finding>();
  for (const { match, provenance } of matches) {
    const rule = options.rulesById.get(match.ruleId);
    if (!rule) throw new Error(`match for unknown rule ${match.ruleId}`);
    const secretHash = secretHashOf(match.secret, options.fingerprintKey);
    const fingerprint = fingerprintOf(rule.id, secretHash);
    let finding = byFingerprint.get(fingerprint);
    if (!finding) {
      const validation: Validation = match.verdict
        ? match.verdict.kind === 'valid'
          ? { status: 'valid', evidence: match.verdict.evidence }
          : { status: 'checksum-failed', evidence: match.verdict.evidence }
        : { status: 'not-checked' };
      const attributes = match.verdict?.kind === 'valid' ? { ...(match.verdict.attributes ?? {}) } : {};
      const lifetime = assessLifetime(rule, attributes, options.now);
      const { severity, securitySeverity } = assessSeverity({
        ruleSeverity: rule.severity,
        lifetime: lifetime.lifetime,
        validation,
        isExpired: lifetime.isExpired,
        isEncryptedKey: attributes.encrypted === 'true',
      });
      finding = {
        fingerprint,
        secretHash,
        secret: new Secret(match.secret),
        rule,
        lifetime: lifetime.lifetime,
        lifetimeEvidence: lifetime.evidence,
        ...(lifetime.expiresAt ? { expiresAt: lifetime.expiresAt } : {}),
        severity,
        securitySeverity,
        validation,
        attributes,
        occurrences: [],
        suppressed: false,
      };
      byFingerprint.set(fingerprint, finding);
    }
    const occurrence: Occurrence = {
      provenance,
      line: match.line,
      column: match.column,
      endLine: match.endLine,
      endColumn: match.endColumn,
      before: match.before,
      after: match.after,
      ...(match.allowed ? { allowed: match.allowed } : {}),
      ...(match.decodedVia ? { decodedVia: match.decodedVia } : {}),
      ...(match.entry !== undefined ? { entry: match.entry } : {}),
    };
    finding.occurrences.push(occurrence);
  }
  const findings = [...byFingerprint.values()];
  for (const finding of findings) {
    finding.occurrences.sort(byLocation);
    finding.suppressed = finding.occurrences.every(isSuppressed);
  }
  return findings.sort(bySeverityThenLocation);
}

function byLocation(a: Occurrence, b: Occurrence): number {
  if (a.provenance.path !== b.provenance.path) return a.provenance.path < b.provenance.path ? -1 : 1;
  // A file's own lines first, then its archive entries by path.
  if (a.entry !== b.entry) return a.entry === undefined ? -1 : b.entry === undefined ? 1 : a.entry < b.entry ? -1 : 1;
  return a.line - b.line || a.column - b.column;
}

function bySeverityThenLocation(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    byLocation(a.occurrences[0]!, b.occurrences[0]!) ||
    (a.rule.id < b.rule.id ? -1 : a.rule.id > b.rule.id ? 1 : 0)
  );
}
