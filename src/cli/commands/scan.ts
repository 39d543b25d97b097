/**
 * `sprawl scan [path]`: lists the working tree, scans it in the worker pool, groups matches into
 * findings and writes the chosen report. Returns the exit code for `--fail-on`.
 */
import path from 'node:path';
import { scanItems } from '../../engine/scan.js';
import { groupFindings } from '../../findings/group-findings.js';
import { severityRank } from '../../findings/severity.js';
import { isFormat, renderReport, type Format } from '../../reporters/index.js';
import type { Report } from '../../reporters/report.js';
import { writeSummary } from '../../reporters/text.js';
import { matcherSpecOf, type Severity } from '../../ruleset/rule.js';
import { listWorkingTree } from '../../sources/working-tree.js';
import { EXIT } from '../exit-codes.js';
import { writeOutput } from '../write-output.js';
import { loadRuleCatalogue } from '../load-rule-catalogue.js';
import { toolVersion } from '../version.js';

export interface ScanCommandOptions {
  format?: string;
  output?: string;
  failOn: Severity | 'none';
  threads?: number;
  exclude?: string[];
  rules?: string[];
  builtinRules: boolean;
  ignore: boolean;
  showSecrets?: boolean;
  color?: boolean;
}

export async function runScan(scanPath: string, options: ScanCommandOptions): Promise<number> {
  const rules = loadRuleCatalogue(options);
  const format = chooseFormat(options);
  const listing = listWorkingTree(scanPath, { exclude: options.exclude ?? [], useIgnoreFiles: options.ignore });
  const { matches, stats } = await scanItems(listing, {
    rules: rules.map(matcherSpecOf),
    ...(options.threads ? { threads: options.threads } : {}),
  });
  // --no-ignore is the audit mode: inline allow comments are shown as ordinary findings.
  const visibleMatches = options.ignore ? matches : matches.map(({ match: { allowed: _allowed, ...match }, provenance }) => ({ match, provenance }));
  const findings = groupFindings(visibleMatches, {
    rulesById: new Map(rules.map((rule) => [rule.id, rule])),
    ...(process.env.SPRAWL_FINGERPRINT_KEY ? { fingerprintKey: process.env.SPRAWL_FINGERPRINT_KEY } : {}),
  });
  const report: Report = { toolVersion: toolVersion(), root: listing.root, findings, stats, rules, showSecrets: options.showSecrets === true };
  const color = options.color ?? (options.output === undefined && process.stdout.isTTY === true && !process.env.NO_COLOR);
  writeOutput(renderReport(format, report, { color }), options.output);
  if (options.output !== undefined && format !== 'text') {
    // The report went to a file: still tell the person at the terminal how it went.
    process.stderr.write(writeSummary(report, { color: false }));
  }
  return exitCodeFor(report, options.failOn);
}

function chooseFormat(options: ScanCommandOptions): Format {
  if (options.format && isFormat(options.format)) return options.format;
  const extension = options.output ? path.extname(options.output).slice(1).toLowerCase() : '';
  if (extension === 'sarif') return 'sarif';
  if (extension === 'json') return 'json';
  return 'text';
}

function exitCodeFor(report: Report, failOn: Severity | 'none'): number {
  if (failOn === 'none') return EXIT.clean;
  const threshold = severityRank(failOn);
  const failing = report.findings.some((finding) => !finding.suppressed && severityRank(finding.severity) >= threshold);
  return failing ? EXIT.findings : EXIT.clean;
}
