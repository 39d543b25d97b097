/**
 * The steps every scanning command shares once its source is chosen: load the rules, scan in the pool,
 * group matches into findings, let the command add what only it knows (git exposure), write the report
 * and turn `--fail-on` into an exit code. `scan`, `git` and `staged` differ only in their source.
 */
import path from 'node:path';
import { scanItems, type ScanInput } from '../engine/scan.js';
import type { Finding } from '../findings/finding.js';
import { applyBaseline, readBaseline } from '../findings/baseline.js';
import { groupFindings } from '../findings/group-findings.js';
import type { ScanStats } from '../engine/scan-stats.js';
import { severityRank } from '../findings/severity.js';
import { isFormat, renderReport, type Format } from '../reporters/index.js';
import type { Report } from '../reporters/report.js';
import { writeSummary } from '../reporters/text.js';
import { matcherSpecOf, type Rule, type Severity } from '../ruleset/rule.js';
import { EXIT } from './exit-codes.js';
import { loadRuleCatalogue } from './load-rule-catalogue.js';
import { toolVersion } from './version.js';
import { writeOutput } from './write-output.js';

/** The options of every scanning command (see `addScanOptions` in main.ts). */
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
  /** A baseline file: findings it accepts are reported as suppressed; only new ones fail the run. */
  baseline?: string;
  /** Say which baseline entries matched nothing. */
  reportUnused?: boolean;
}

export interface PipelineSource extends ScanInput {
  /** Absolute path that report paths are relative to. */
  root: string;
  /** Adds what only this source knows to the findings (exposure in git history), before reporting. */
  enrich?: (findings: Finding[]) => Promise<void>;
}

export interface ScanResult {
  root: string;
  rules: Rule[];
  findings: Finding[];
  stats: ScanStats;
}

/** Rules, scan and findings, without a report: what `baseline create` and `prune` need. */
export async function scanForFindings(source: PipelineSource | ((rules: Rule[]) => PipelineSource), options: ScanCommandOptions): Promise<ScanResult> {
  const rules = loadRuleCatalogue(options);
  const input = typeof source === 'function' ? source(rules) : source;
  const { matches, stats } = await scanItems(input, {
    rules: rules.map(matcherSpecOf),
    ...(options.threads ? { threads: options.threads } : {}),
  });
  // --no-ignore is the audit mode: inline allow comments are shown as ordinary findings.
  const visibleMatches = options.ignore ? matches : matches.map(({ match: { allowed: _allowed, ...match }, provenance }) => ({ match, provenance }));
  const findings = groupFindings(visibleMatches, {
    rulesById: new Map(rules.map((rule) => [rule.id, rule])),
    ...(process.env.SPRAWL_FINGERPRINT_KEY ? { fingerprintKey: process.env.SPRAWL_FINGERPRINT_KEY } : {}),
  });
  await input.enrich?.(findings);
  return { root: input.root, rules, findings, stats };
}

export async function scanAndReport(source: PipelineSource | ((rules: Rule[]) => PipelineSource), options: ScanCommandOptions): Promise<number> {
  const format = chooseFormat(options);
  const { root, rules, findings, stats } = await scanForFindings(source, options);
  // --no-ignore shows everything, baselined findings included.
  const baselineOutcome = options.baseline && options.ignore ? { file: options.baseline, ...applyBaseline(findings, readBaseline(options.baseline)) } : undefined;
  const report: Report = {
    toolVersion: toolVersion(),
    root,
    findings,
    stats,
    rules,
    showSecrets: options.showSecrets === true,
    ...(baselineOutcome ? { baseline: baselineOutcome } : {}),
  };
  const color = options.color ?? (options.output === undefined && process.stdout.isTTY === true && !process.env.NO_COLOR);
  writeOutput(renderReport(format, report, { color }), options.output);
  if (options.output !== undefined && format !== 'text') {
    // The report went to a file: still tell the person at the terminal how it went.
    process.stderr.write(writeSummary(report, { color: false }));
  }
  if (baselineOutcome && options.reportUnused) {
    for (const entry of baselineOutcome.unused) {
      process.stderr.write(`sprawl: ${baselineOutcome.file}: unused baseline entry ${entry.fingerprint}${entry.ruleId ? ` (${entry.ruleId})` : ''}: nothing matches it any more (sprawl baseline prune drops it)\n`);
    }
  }
  for (const entry of baselineOutcome?.expired ?? []) {
    process.stderr.write(`sprawl: ${baselineOutcome!.file}: baseline entry ${entry.fingerprint} expired on ${entry.until}: its finding is reported again\n`);
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
