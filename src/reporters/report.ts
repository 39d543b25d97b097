/**
 * What every reporter receives: the findings of one scan, the counters, and how to present values.
 * Reporters are pure functions of a Report; `cli/` decides where their output goes.
 */
import type { ScanStats } from '../engine/scan-stats.js';
import type { BaselineEntry } from '../findings/baseline.js';
import type { Finding, Occurrence } from '../findings/finding.js';
import type { Rule } from '../ruleset/rule.js';

export interface Report {
  toolVersion: string;
  /** Absolute path of the scan root; report paths are relative to it. */
  root: string;
  findings: Finding[];
  stats: ScanStats;
  rules: readonly Rule[];
  /** Print raw secret values (`--show-secrets`). Off by default: everything is redacted. */
  showSecrets: boolean;
  /** When a baseline was applied: its file, and its entries that matched nothing or have expired. */
  baseline?: { file: string; unused: BaselineEntry[]; expired: BaselineEntry[] };
}

/** Raw only on request, or when the rule's match names a problem rather than holding a credential. */
export function isShownRaw(finding: Finding, report: Pick<Report, 'showSecrets'>): boolean {
  return report.showSecrets || finding.rule.identifier;
}

export function displayedSecret(finding: Finding, report: Pick<Report, 'showSecrets'>): string {
  return isShownRaw(finding, report) ? finding.secret.reveal() : finding.secret.redacted();
}

/**
 * Where an occurrence is, as people read it: the path, and for a file inside an archive the path within,
 * `!`-joined as gitleaks writes it (`app.jar!config/application.properties`).
 */
export function placeOf(occurrence: Occurrence): string {
  return occurrence.entry === undefined ? occurrence.provenance.path : `${occurrence.provenance.path}!${occurrence.entry}`;
}

/**
 * Text from the scanned content or from names that anyone could choose (a path, a snippet of a log, a
 * commit's author), made safe for a terminal: control characters, which could colour or clear the screen
 * or fake a line of the report, become U+FFFD. (JSON and SARIF escape them themselves.)
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '\ufffd');
}

/** The line around an occurrence, with the secret redacted unless raw values were asked for. */
export function snippetOf(finding: Finding, occurrence: Occurrence, report: Pick<Report, 'showSecrets'>): string {
  return `${occurrence.before}${displayedSecret(finding, report)}${occurrence.after}`.trim();
}

/** One sentence on a finding's exposure in git history, for messages and text output. */
export function describeExposure(finding: Finding): string | undefined {
  const exposure = finding.exposure;
  if (!exposure) return undefined;
  const first = `first committed in ${exposure.firstCommit.id.slice(0, 7)} (${exposure.firstCommit.date.slice(0, 10)}, ${exposure.firstCommit.author})`;
  const removed = exposure.removedIn ? `removed in ${exposure.removedIn.id.slice(0, 7)} (${exposure.removedIn.date.slice(0, 10)})` : undefined;
  // A ref's tip that still holds it is the news, whatever HEAD's history did.
  const now = exposure.atHead
    ? 'still at HEAD'
    : exposure.stillOn?.length
      ? `${removed ? `${removed} but` : 'not at HEAD but never removed:'} still on ${exposure.stillOn.join(', ')}`
      : removed
        ? `${removed}, still in history`
        : 'not at HEAD, in no ref\'s tip: still in history';
  return `${first}, ${now}, ${exposure.daysExposed} days exposed`;
}
