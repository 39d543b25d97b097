/**
 * Text output for people: one block per finding, most severe first, answering what it is, how long it
 * lives, where else it is, which controls it breaks and what to do; then a summary line with counts and
 * skipped inputs. Coloured only when asked (a TTY without NO_COLOR).
 */
import { createColors } from 'picocolors';
import { countSkipsByReason, isScannedInPart, isUnexpectedSkip, SKIP_REASON_TEXT, type SkipReason } from '../engine/scan-stats.js';
import type { Finding } from '../findings/finding.js';
import type { Severity } from '../ruleset/rule.js';
import { NHI_TOP10 } from '../ruleset/rule.js';
import { describeExposure, displayedSecret, isShownRaw, placeOf, printable, snippetOf, type Report } from './report.js';

/** Occurrences listed per finding before "and N more". */
const MAX_LISTED_OCCURRENCES = 8;

export function writeText(report: Report, options: { color: boolean }): string {
  const colors = createColors(options.color);
  const severityColor: Record<Severity, (text: string) => string> = {
    critical: (text) => colors.bold(colors.red(text)),
    high: colors.red,
    medium: colors.yellow,
    low: colors.cyan,
  };
  const lines: string[] = [];
  // Suppressed findings (allowed inline, in the baseline, or already committed) are counted in the summary, not listed:
  // the text report is for what needs doing. JSON and SARIF carry them, marked as suppressed.
  for (const finding of report.findings.filter((candidate) => !candidate.suppressed)) {
    const label = severityColor[finding.severity](finding.severity.toUpperCase().padEnd(9));
    lines.push(`${label}${colors.bold(finding.rule.id)}  ${colors.dim(finding.rule.name)}`);
    lines.push(`  lifetime  ${finding.lifetime}: ${finding.lifetimeEvidence}${finding.expiresAt ? ` (expires ${finding.expiresAt})` : ''}`);
    const valueLabel = finding.rule.identifier ? 'names   ' : 'secret  ';
    lines.push(`  ${valueLabel}  ${displayedSecret(finding, report)}${isShownRaw(finding, report) ? '' : ' (redacted)'}   ${colors.dim(finding.fingerprint)}`);
    if (finding.validation.status !== 'not-checked') lines.push(`  checked   ${finding.validation.evidence}`);
    const exposure = describeExposure(finding);
    if (exposure) lines.push(`  exposure  ${printable(exposure)}`);
    const places = finding.occurrences.length === 1 ? '1 place' : `${finding.occurrences.length} places`;
    lines.push(`  sprawl    ${places}:`);
    for (const occurrence of finding.occurrences.slice(0, MAX_LISTED_OCCURRENCES)) {
      const allowed = occurrence.allowed
        ? colors.dim(` (allowed${occurrence.allowed.reason ? `: ${printable(occurrence.allowed.reason)}` : ''})`)
        : occurrence.baselined
          ? colors.dim(' (in the baseline)')
          : occurrence.alreadyCommitted
            ? colors.dim(` (already committed, in ${occurrence.alreadyCommitted.ref}: not added by these changes)`)
            : '';
      const commit = occurrence.introducedIn ? colors.dim(` (since ${occurrence.introducedIn.id.slice(0, 7)}, ${occurrence.introducedIn.date.slice(0, 10)})`) : '';
      const decoded = occurrence.decodedVia ? colors.dim(` (inside ${occurrence.decodedVia.join(' > ')})`) : '';
      lines.push(`            ${printable(placeOf(occurrence))}:${occurrence.line}:${occurrence.column}${decoded}${commit}${allowed}`);
      lines.push(colors.dim(`              ${printable(truncate(snippetOf(finding, occurrence, report), 120))}`));
    }
    if (finding.occurrences.length > MAX_LISTED_OCCURRENCES) lines.push(`            … and ${finding.occurrences.length - MAX_LISTED_OCCURRENCES} more`);
    lines.push(`  controls  ${controlsOf(finding)}`);
    lines.push(`  fix       ${finding.rule.remediation}`);
    lines.push('');
  }
  lines.push(summaryLine(report, colors));
  return `${lines.join('\n')}\n`;
}

function controlsOf(finding: Finding): string {
  return [...finding.rule.cwe, ...finding.rule.nhi.map((id) => `OWASP ${id} ${NHI_TOP10[id]}`)].join(', ');
}

/** The closing summary alone, for the terminal when the report itself went to a file. */
export function writeSummary(report: Report, options: { color: boolean }): string {
  return `${summaryLine(report, createColors(options.color))}\n`;
}

function summaryLine(report: Report, colors: ReturnType<typeof createColors>): string {
  const active = report.findings.filter((finding) => !finding.suppressed);
  const suppressed = report.findings.length - active.length;
  const occurrences = active.reduce((total, finding) => total + finding.occurrences.length, 0);
  const megabytes = (report.stats.bytesScanned / 1e6).toFixed(1);
  const seconds = (report.stats.durationMs / 1000).toFixed(2);
  const parts = [
    active.length === 0 ? colors.green('no findings') : colors.bold(`${active.length} finding${active.length === 1 ? '' : 's'} (${occurrences} occurrence${occurrences === 1 ? '' : 's'})`),
    ...(suppressed > 0 ? [`${suppressed} suppressed (${suppressionKinds(report.findings)})`] : []),
    `${report.stats.filesScanned} files, ${megabytes} MB${carriedOver(report.stats.bytesCarriedOver)} in ${seconds}s`,
  ];
  const counts = Object.entries(countSkipsByReason(report.stats.skipped)) as [SkipReason, number][];
  const skips = counts.filter(([reason]) => !isScannedInPart(reason));
  const partial = counts.filter(([reason]) => isScannedInPart(reason));
  if (skips.length > 0) parts.push(`skipped: ${skips.map(([reason, count]) => `${count} ${reason}`).join(', ')}`);
  if (partial.length > 0) parts.push(`scanned in part: ${partial.map(([reason, count]) => `${count} ${reason}`).join(', ')}`);
  const problems = report.stats.skipped.filter((skipped) => isUnexpectedSkip(skipped.reason));
  const details = problems.slice(0, 10).map((skipped) => {
    const what = isScannedInPart(skipped.reason) ? 'scanned in part' : 'not scanned';
    return colors.yellow(printable(`  ${what}: ${skipped.path}: ${SKIP_REASON_TEXT[skipped.reason]}${skipped.detail ? ` (${skipped.detail})` : ''}`));
  });
  if (problems.length > 10) details.push(colors.yellow(`  … and ${problems.length - 10} more not scanned, or scanned in part`));
  return [`sprawl: ${parts.join('; ')}`, ...details].join('\n');
}

/** What the suppressed findings are: "allowed inline or in the baseline", plus "already committed" for `staged`. */
function suppressionKinds(findings: readonly Finding[]): string {
  const committed = findings.some((finding) => finding.suppressed && finding.occurrences.some((occurrence) => occurrence.alreadyCommitted));
  return committed ? 'allowed inline, in the baseline, or already committed' : 'allowed inline or in the baseline';
}

/** History: how much of the bytes were versions' unchanged lines, whose matches were carried over from the version before. */
function carriedOver(bytes: number): string {
  return bytes > 0 ? ` (${(bytes / 1e6).toFixed(1)} MB of it unchanged since an earlier version, matches carried over)` : '';
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
