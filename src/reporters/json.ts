/**
 * JSON output: the same facts as SARIF in a flat shape for scripts (`jq`), one object per finding with
 * all its occurrences. Secret values are redacted unless `--show-secrets`.
 */
import { countSkipsByReason } from '../engine/scan-stats.js';
import { displayedSecret, isShownRaw, snippetOf, type Report } from './report.js';

export const JSON_REPORT_VERSION = 1;

export function writeJson(report: Report): string {
  const findings = report.findings.map((finding) => ({
    fingerprint: finding.fingerprint,
    ruleId: finding.rule.id,
    ruleName: finding.rule.name,
    provider: finding.rule.provider,
    severity: finding.severity,
    securitySeverity: finding.securitySeverity,
    lifetime: finding.lifetime,
    lifetimeEvidence: finding.lifetimeEvidence,
    ...(finding.expiresAt ? { expiresAt: finding.expiresAt } : {}),
    validation: finding.validation,
    attributes: finding.attributes,
    secret: displayedSecret(finding, report),
    secretRedacted: !isShownRaw(finding, report),
    secretHash: finding.secretHash,
    cwe: finding.rule.cwe,
    nhi: finding.rule.nhi,
    remediation: finding.rule.remediation,
    suppressed: finding.suppressed,
    ...(finding.exposure ? { exposure: finding.exposure } : {}),
    sprawlCount: finding.occurrences.length,
    occurrences: finding.occurrences.map((occurrence) => ({
      path: occurrence.provenance.path,
      ...(occurrence.entry !== undefined ? { entry: occurrence.entry } : {}),
      line: occurrence.line,
      column: occurrence.column,
      endLine: occurrence.endLine,
      endColumn: occurrence.endColumn,
      snippet: snippetOf(finding, occurrence, report),
      ...(occurrence.allowed ? { allowed: occurrence.allowed } : {}),
      ...(occurrence.baselined ? { baselined: occurrence.baselined } : {}),
      ...(occurrence.alreadyCommitted ? { alreadyCommitted: occurrence.alreadyCommitted } : {}),
      ...(occurrence.decodedVia ? { decodedVia: occurrence.decodedVia } : {}),
      ...(occurrence.introducedIn ? { introducedIn: occurrence.introducedIn } : {}),
      ...(occurrence.provenance.kind === 'git' || occurrence.provenance.kind === 'staged' ? { blobId: occurrence.provenance.blobId } : {}),
      ...(occurrence.provenance.kind === 'git-message' ? { commit: occurrence.provenance.commit } : {}),
    })),
  }));
  return `${JSON.stringify(
    {
      version: JSON_REPORT_VERSION,
      tool: { name: 'sprawl', version: report.toolVersion },
      root: report.root,
      summary: {
        findings: findings.filter((finding) => !finding.suppressed).length,
        suppressed: findings.filter((finding) => finding.suppressed).length,
        occurrences: findings.reduce((total, finding) => total + finding.sprawlCount, 0),
        filesScanned: report.stats.filesScanned,
        bytesScanned: report.stats.bytesScanned,
        bytesCarriedOver: report.stats.bytesCarriedOver,
        skipped: countSkipsByReason(report.stats.skipped),
        durationMs: Math.round(report.stats.durationMs),
      },
      findings,
      skipped: report.stats.skipped,
      ...(report.baseline ? { baseline: { file: report.baseline.file, unused: report.baseline.unused, expired: report.baseline.expired } } : {}),
    },
    null,
    2,
  )}\n`;
}
