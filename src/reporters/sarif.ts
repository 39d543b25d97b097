/**
 * SARIF 2.1.0 for GitHub code scanning. One result per occurrence (GitHub shows one location per alert),
 * each pointing at the others through `relatedLocations`, so an alert shows the sprawl. Rules carry help,
 * `security-severity`, tags (lifetime, OWASP NHI ids, CWE) and relationships into a CWE taxonomy.
 * `partialFingerprints` are content-based (rule + keyed secret hash + path), never the raw secret and
 * never a line number, so alerts survive edits. Skipped inputs become `toolExecutionNotifications`.
 * Spec: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html ; GitHub's subset:
 * https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { isUnexpectedSkip, SKIP_REASON_TEXT } from '../engine/scan-stats.js';
import type { Finding, Occurrence } from '../findings/finding.js';
import { NHI_TOP10, type Rule, type Severity } from '../ruleset/rule.js';
import { describeExposure, displayedSecret, snippetOf, type Report } from './report.js';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const INFORMATION_URI = 'https://github.com/sprawl-scanner/sprawl';
const SRCROOT = '%SRCROOT%';
/** GitHub shows at most 1,000 locations per result; related locations beyond a few add only bytes. */
const MAX_RELATED_LOCATIONS = 20;
const MAX_NOTIFICATIONS_PER_REASON = 200;
/** GitHub code scanning accepts at most 25,000 results per run (and shows the 5,000 most severe). */
const MAX_RESULTS = 25_000;

const LEVEL: Readonly<Record<Severity, Sarif.ReportingConfiguration.level>> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
};

const CWE_NAMES: Readonly<Record<string, string>> = {
  '798': 'Use of Hard-coded Credentials',
  '522': 'Insufficiently Protected Credentials',
  '613': 'Insufficient Session Expiration',
  '312': 'Cleartext Storage of Sensitive Information',
  '532': 'Insertion of Sensitive Information into Log File',
  '321': 'Use of Hard-coded Cryptographic Key',
  '259': 'Use of Hard-coded Password',
  '256': 'Plaintext Storage of a Password',
  '200': 'Exposure of Sensitive Information to an Unauthorized Actor',
  '1391': 'Use of Weak Credentials',
};

/**
 * GitHub rejects a SARIF upload over 10 MB gzip-compressed. Results are dropped, least severe first,
 * until the file fits, and a notification says how many.
 */
const MAX_GZIPPED_BYTES = 10 * 1024 * 1024;

export function writeSarif(report: Report): string {
  let text = buildSarif(report, MAX_RESULTS);
  for (let limit = MAX_RESULTS, attempt = 0; attempt < 8 && gzipSync(text).length > MAX_GZIPPED_BYTES; attempt++) {
    limit = Math.floor(limit / 2);
    text = buildSarif(report, limit);
  }
  return text;
}

function buildSarif(report: Report, maxResults: number): string {
  const usedRules = uniqueRules(report.findings);
  // Findings are sorted most severe first, so a cut keeps what matters most.
  const ruleIndex = ruleIndexOf(usedRules);
  const allResults = report.findings.flatMap((finding) => firstOccurrencePerPath(finding).map((occurrence) => sarifResult(finding, occurrence, ruleIndex, report)));
  const results = allResults.slice(0, maxResults);
  const truncation: Sarif.Notification[] =
    allResults.length > maxResults
      ? [
          {
            level: 'warning',
            message: {
              text:
                maxResults === MAX_RESULTS
                  ? `${allResults.length - maxResults} of ${allResults.length} results left out to stay within GitHub's limit of ${MAX_RESULTS} results per run (the least severe); the JSON report has them all`
                  : `${allResults.length - maxResults} of ${allResults.length} results left out to keep the file under GitHub's 10 MB (gzip) upload limit (the least severe); the JSON report has them all`,
            },
            descriptor: { id: 'truncated/results' },
          },
        ]
      : [];
  const cweIds = [...new Set(usedRules.flatMap((rule) => rule.cwe.map(cweNumber)))].sort((a, b) => Number(a) - Number(b));

  const log: Sarif.Log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'sprawl',
            semanticVersion: report.toolVersion,
            version: report.toolVersion,
            informationUri: INFORMATION_URI,
            rules: usedRules.map(sarifRule),
            supportedTaxonomies: cweIds.length > 0 ? [{ name: 'CWE', index: 0 }] : [],
          },
        },
        ...(cweIds.length > 0 ? { taxonomies: [cweTaxonomy(cweIds)] } : {}),
        originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(report.root) } },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: [...truncation, ...skippedNotifications(report)],
          },
        ],
        results,
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function uniqueRules(findings: readonly Finding[]): Rule[] {
  const byId = new Map<string, Rule>();
  for (const finding of findings) byId.set(finding.rule.id, finding.rule);
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

function sarifRule(rule: Rule): Sarif.ReportingDescriptor {
  const nhiTags = rule.nhi.map((id) => `owasp-nhi/${id.toLowerCase()}`);
  const helpLines = [
    rule.description,
    '',
    `Lifetime: ${rule.lifetime}. ${rule.lifetimeEvidence}`,
    `Remediation: ${rule.remediation}`,
    `Controls: ${[...rule.cwe, ...rule.nhi.map((id) => `OWASP ${id} ${NHI_TOP10[id]}`)].join(', ')}`,
    `References: ${rule.references.join(' ')}`,
  ];
  return {
    id: rule.id,
    name: pascalCase(rule.id),
    shortDescription: { text: rule.name },
    fullDescription: { text: rule.description },
    help: {
      text: helpLines.join('\n'),
      markdown: [
        rule.description,
        '',
        `**Lifetime:** \`${rule.lifetime}\` — ${rule.lifetimeEvidence}`,
        '',
        `**Remediation:** ${rule.remediation}`,
        '',
        `**Controls:** ${[...rule.cwe, ...rule.nhi.map((id) => `OWASP ${id} (${NHI_TOP10[id]})`)].join(', ')}`,
        '',
        '**References:**',
        ...rule.references.map((reference) => `- ${reference}`),
      ].join('\n'),
    },
    ...(rule.references[0] ? { helpUri: rule.references[0] } : {}),
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: {
      tags: ['security', 'secret', `lifetime/${rule.lifetime}`, ...nhiTags, ...rule.cwe.map((cwe) => `external/cwe/cwe-${cweNumber(cwe)}`)],
      precision: rule.generic ? 'medium' : 'high',
      'problem.severity': rule.severity === 'low' ? 'recommendation' : rule.severity === 'medium' ? 'warning' : 'error',
      'security-severity': defaultSecuritySeverity(rule.severity),
      provider: rule.provider,
      lifetime: rule.lifetime,
    },
    relationships: rule.cwe.map((cwe) => ({
      target: { id: cweNumber(cwe), toolComponent: { name: 'CWE', index: 0 } },
      kinds: ['superset'],
    })),
  };
}

function ruleIndexOf(rules: readonly Rule[]): ReadonlyMap<string, number> {
  return new Map(rules.map((rule, index) => [rule.id, index]));
}

/**
 * One result per finding and file, at its first occurrence there: a token repeated ten thousand times
 * in a log is one alert with a count, not ten thousand. The other places follow as related locations.
 */
function firstOccurrencePerPath(finding: Finding): Occurrence[] {
  const first = new Map<string, Occurrence>();
  for (const occurrence of finding.occurrences) if (!first.has(occurrence.provenance.path)) first.set(occurrence.provenance.path, occurrence);
  return [...first.values()];
}

function sarifResult(finding: Finding, occurrence: Occurrence, ruleIndex: ReadonlyMap<string, number>, report: Report): Sarif.Result {
  const inThisFile = finding.occurrences.filter((other) => other.provenance.path === occurrence.provenance.path).length;
  // Other files first (that is the sprawl), then the other lines of this file.
  const others = [
    ...firstOccurrencePerPath(finding).filter((other) => other !== occurrence),
    ...finding.occurrences.filter((other) => other !== occurrence && other.provenance.path === occurrence.provenance.path),
  ];
  const places = firstOccurrencePerPath(finding).length;
  const sprawlNote =
    (places > 1 ? ` The same value appears in ${places} files.` : '') + (inThisFile > 1 ? ` It occurs ${inThisFile} times in this file.` : '');
  const validationNote = finding.validation.status === 'not-checked' ? '' : ` ${finding.validation.evidence}.`;
  const exposure = describeExposure(finding);
  const exposureNote = exposure ? ` Exposure: ${exposure}.` : '';
  const decodedNote = occurrence.decodedVia ? ` Found inside ${occurrence.decodedVia.join(' > ')}-encoded text at this location.` : '';
  const entryNote = occurrence.entry !== undefined ? ` Found in ${occurrence.entry}, line ${occurrence.line}, inside this archive.` : '';
  return {
    ruleId: finding.rule.id,
    ruleIndex: ruleIndex.get(finding.rule.id)!,
    level: LEVEL[finding.severity],
    message: {
      text: `${finding.rule.name} (${finding.lifetime}: ${finding.lifetimeEvidence}) ${displayedSecret(finding, report)}.${validationNote}${sprawlNote}${exposureNote}${decodedNote}${entryNote} ${finding.rule.remediation}`,
    },
    locations: [sarifLocation(finding, occurrence, report, true)],
    ...(others.length > 0
      ? {
          relatedLocations: others.slice(0, MAX_RELATED_LOCATIONS).map((other, index) => ({
            id: index + 1,
            ...sarifLocation(finding, other, report, false),
            message: { text: 'same secret' },
          })),
        }
      : {}),
    partialFingerprints: {
      'sprawlFingerprint/v1': `${finding.fingerprint}:${pathHash(occurrence.provenance.path)}`,
    },
    ...(occurrence.allowed
      ? { suppressions: [{ kind: 'inSource', status: 'accepted', justification: occurrence.allowed.reason || 'sprawl:allow comment' }] }
      : occurrence.baselined
        ? { suppressions: [{ kind: 'external', status: 'accepted', justification: `baseline: ${occurrence.baselined.reason}` }] }
        : occurrence.alreadyCommitted
          ? { suppressions: [{ kind: 'external', status: 'accepted', justification: `already committed (in ${occurrence.alreadyCommitted.ref} as ${occurrence.alreadyCommitted.path}); the staged changes do not add it` }] }
          : {}),
    properties: {
      fingerprint: finding.fingerprint,
      secretHash: finding.secretHash,
      lifetime: finding.lifetime,
      lifetimeEvidence: finding.lifetimeEvidence,
      ...(finding.expiresAt ? { expiresAt: finding.expiresAt } : {}),
      validation: finding.validation.status,
      sprawlCount: finding.occurrences.length,
      occurrencesInFile: inThisFile,
      'security-severity': finding.securitySeverity.toFixed(1),
      severity: finding.severity,
      ...(Object.keys(finding.attributes).length > 0 ? { attributes: finding.attributes } : {}),
      ...(finding.exposure ? { exposure: finding.exposure } : {}),
      ...(occurrence.introducedIn ? { introducedIn: occurrence.introducedIn } : {}),
      ...(occurrence.decodedVia ? { decodedVia: occurrence.decodedVia } : {}),
      ...(occurrence.entry !== undefined ? { archiveEntry: { path: occurrence.entry, line: occurrence.line, column: occurrence.column } } : {}),
      ...(occurrence.provenance.kind === 'git' ? { blobId: occurrence.provenance.blobId, historyOnly: finding.exposure?.atHead === false } : {}),
    },
  };
}

function sarifLocation(finding: Finding, occurrence: Occurrence, report: Report, withSnippet: boolean): Sarif.Location {
  if (occurrence.entry !== undefined) {
    // In a file inside an archive: the archive is the file the repository has, and it has no lines of its
    // own; code scanning needs a line, so the region is its first. The entry and its line are in the message.
    return { physicalLocation: { artifactLocation: { uri: encodeRelativeUri(occurrence.provenance.path), uriBaseId: SRCROOT }, region: { startLine: 1 } } };
  }
  return {
    physicalLocation: {
      artifactLocation: { uri: encodeRelativeUri(occurrence.provenance.path), uriBaseId: SRCROOT },
      region: {
        startLine: occurrence.line,
        startColumn: occurrence.column,
        endLine: occurrence.endLine,
        endColumn: occurrence.endColumn,
        ...(withSnippet ? { snippet: { text: snippetOf(finding, occurrence, report) } } : {}),
      },
    },
  };
}

function skippedNotifications(report: Report): Sarif.Notification[] {
  const perReason = new Map<string, number>();
  const listedPerReason = new Map<string, number>();
  const notifications: Sarif.Notification[] = [];
  for (const skipped of report.stats.skipped) {
    perReason.set(skipped.reason, (perReason.get(skipped.reason) ?? 0) + (skipped.count ?? 1));
    const listed = (listedPerReason.get(skipped.reason) ?? 0) + 1;
    listedPerReason.set(skipped.reason, listed);
    if (listed > MAX_NOTIFICATIONS_PER_REASON) continue;
    notifications.push({
      level: isUnexpectedSkip(skipped.reason) ? 'warning' : 'note',
      message: { text: `${skipped.path}: ${SKIP_REASON_TEXT[skipped.reason]}${skipped.detail ? ` (${skipped.detail})` : ''}` },
      descriptor: { id: `skipped/${skipped.reason}` },
      locations: [{ physicalLocation: { artifactLocation: { uri: encodeRelativeUri(skipped.path), uriBaseId: SRCROOT } } }],
    });
  }
  for (const [reason, count] of perReason) {
    if (listedPerReason.get(reason)! > MAX_NOTIFICATIONS_PER_REASON) {
      notifications.push({
        level: 'note',
        message: { text: `${count} inputs skipped in all: ${SKIP_REASON_TEXT[reason as keyof typeof SKIP_REASON_TEXT]} (only the first ${MAX_NOTIFICATIONS_PER_REASON} are listed)` },
        descriptor: { id: `skipped/${reason}` },
      });
    }
  }
  return notifications;
}

function cweTaxonomy(cweIds: readonly string[]): Sarif.ToolComponent {
  return {
    name: 'CWE',
    version: '4.16',
    informationUri: 'https://cwe.mitre.org/data/published/cwe_v4.16.pdf',
    organization: 'MITRE',
    shortDescription: { text: 'The MITRE Common Weakness Enumeration' },
    taxa: cweIds.map((id) => ({
      id,
      name: CWE_NAMES[id] ?? `CWE-${id}`,
      helpUri: `https://cwe.mitre.org/data/definitions/${id}.html`,
    })),
  };
}

function defaultSecuritySeverity(severity: Severity): string {
  return { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0' }[severity];
}

function cweNumber(cwe: string): string {
  return cwe.replace(/^CWE-/, '');
}

function pascalCase(id: string): string {
  return id
    .split(/[.-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

function pathHash(relativePath: string): string {
  return createHash('sha256').update(relativePath).digest('hex').slice(0, 16);
}

/** Percent-encodes each path segment, keeping `/`, as RFC 3986 relative references need. */
function encodeRelativeUri(relativePath: string): string {
  return relativePath.split('/').map(encodeURIComponent).join('/');
}

function directoryUri(absolutePath: string): string {
  const uri = pathToFileURL(absolutePath).href;
  return uri.endsWith('/') ? uri : `${uri}/`;
}
