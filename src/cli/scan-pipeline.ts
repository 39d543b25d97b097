/**
 * The steps every scanning command shares once its source is chosen: load the rules, scan in the pool,
 * group matches into findings, let the command add what only it knows (git exposure), write the report
 * and turn `--fail-on` into an exit code. `scan`, `git` and `staged` differ only in their source.
 */
import path from 'node:path';
import { scanItems, type ScanInput } from '../engine/scan.js';
import type { Finding } from '../findings/finding.js';
import { loadConfig, type SprawlConfig } from '../config/load-config.js';
import { applyBaseline, readBaseline } from '../findings/baseline.js';
import { matchesReportedPath, pathPatterns } from '../sources/path-patterns.js';
import { UserError } from '../user-error.js';
import { debugLog } from './debug-log.js';
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
  /** Default: the config's `fail_on`, else `low` (any finding). */
  failOn?: Severity | 'none';
  /** A config file instead of the `.sprawl.yml` found at the scan root. */
  config?: string;
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
  /** Levels of encoded text to look inside (`--decode N`); the source's default otherwise. */
  decode?: number;
  /** Levels of archives to unpack (`--archive-depth N`); `DEFAULT_ARCHIVE_DEPTH` otherwise. */
  archiveDepth?: number;
}

export interface PipelineSource extends ScanInput {
  /** Decoding depth when `--decode` is not given (logs and stdin decode by default). */
  defaultDecodeDepth?: number;
  /** Absolute path that report paths are relative to. */
  root: string;
  /** Adds what only this source knows to the findings (exposure in git history), before reporting. */
  enrich?: (findings: Finding[]) => Promise<void>;
  /** Told what was reported and the threshold the exit code was decided by (`staged` adds a message). */
  afterReport?: (outcome: { findings: readonly Finding[]; failOn: Severity | 'none' }) => void;
  /** Stops what the source started ahead of the scan (git's listing), when the scan ends or fails before reading it all. */
  close?: () => Promise<void>;
}

export interface ScanResult {
  root: string;
  rules: Rule[];
  findings: Finding[];
  stats: ScanStats;
}

/** Rules, scan and findings, without a report: what `baseline create` and `prune` need. */
export async function scanForFindings(source: PipelineSource, options: ScanCommandOptions): Promise<ScanResult & { config: SprawlConfig }> {
  try {
    return await findingsOf(source, options);
  } finally {
    await source.close?.();
  }
}

async function findingsOf(source: PipelineSource, options: ScanCommandOptions): Promise<ScanResult & { config: SprawlConfig }> {
  const config = loadConfig(source.root, options.config);
  const rules = configuredRules(loadRuleCatalogue(options), config);
  debugLog('root %s, config %s, %d rules', source.root, config.file ?? '(none)', rules.length);
  const decodeDepth = options.decode ?? source.defaultDecodeDepth;
  const { matches, stats, threadsEnded } = await scanItems(source, {
    rules: rules.map(matcherSpecOf),
    ...(options.threads ? { threads: options.threads } : {}),
    ...(decodeDepth !== undefined ? { decodeDepth } : {}),
    ...(options.archiveDepth !== undefined ? { archiveDepth: options.archiveDepth } : {}),
    ...(config.maxTokenLifetimeHours !== undefined ? { settings: { maxTokenLifetimeHours: config.maxTokenLifetimeHours } } : {}),
  });
  let findings: Finding[];
  try {
    // --no-ignore is the audit mode: inline allow comments are shown as ordinary findings.
    const visibleMatches = options.ignore ? matches : matches.map(({ match: { allowed: _allowed, ...match }, provenance }) => ({ match, provenance }));
    const excluded = options.ignore && config.excludePaths.length > 0 ? pathPatterns(config.excludePaths) : undefined;
    // A file inside an archive is left out by the same globs, the archive counting as a folder
    // (`**/test/**` leaves out `lib/app.jar!com/acme/test/fixture.properties`). The sources apply
    // `--exclude` to the files they list; inside an archive, only the findings can be.
    const entryGlobs = [...(options.exclude ?? []), ...(options.ignore ? config.excludePaths : [])];
    const entryExcluded = entryGlobs.length > 0 ? pathPatterns(entryGlobs) : undefined;
    const inScope = visibleMatches.filter(
      ({ match, provenance }) =>
        !(excluded && matchesReportedPath(excluded, provenance.path)) &&
        !(match.entry !== undefined && entryExcluded && matchesReportedPath(entryExcluded, `${provenance.path}/${match.entry.replaceAll('!', '/')}`)),
    );
    findings = groupFindings(inScope, {
      rulesById: new Map(rules.map((rule) => [rule.id, rule])),
      fingerprintKey: fingerprintKeyOf(config),
    });
    await source.enrich?.(findings);
  } finally {
    // The threads end meanwhile (see `ScanOutput.threadsEnded`), whether or not the findings could be made.
    await threadsEnded;
  }
  if (options.ignore) allowListed(findings, config);
  debugLog('scanned %d inputs, %d bytes in %d ms; %d matches, %d findings; skipped %d', stats.filesScanned, stats.bytesScanned, Math.round(stats.durationMs), matches.length, findings.length, stats.skipped.length);
  for (const finding of findings) {
    debugLog('finding %s %s value %s at %s', finding.rule.id, finding.fingerprint, finding.secret, finding.occurrences.map((occurrence) => `${occurrence.provenance.path}:${occurrence.line}`).join(', '));
  }
  return { root: source.root, rules, findings, stats, config };
}

/** The config's rule choices: disabled rules left out, severities changed. Unknown ids are typos: an error. */
function configuredRules(rules: Rule[], config: SprawlConfig): Rule[] {
  const known = new Set(rules.map((rule) => rule.id));
  for (const id of [...config.disabledRules, ...Object.keys(config.severityOverrides)]) {
    if (!known.has(id)) throw new UserError('config-invalid', `${config.file}: rules: no rule with id ${id}`);
  }
  const disabled = new Set(config.disabledRules);
  return rules
    .filter((rule) => !disabled.has(rule.id))
    .map((rule) => (config.severityOverrides[rule.id] ? { ...rule, severity: config.severityOverrides[rule.id]! } : rule));
}

/** The organisation's key from the variable the config names (or SPRAWL_FINGERPRINT_KEY); never from a file. */
function fingerprintKeyOf(config: SprawlConfig): string | undefined {
  const variable = config.fingerprintKeyEnv ?? 'SPRAWL_FINGERPRINT_KEY';
  const key = process.env[variable];
  if (config.fingerprintKeyEnv && !key) {
    throw new UserError('config-invalid', `${config.file}: fingerprint_key_env: the variable ${variable} is not set`);
  }
  return key || undefined;
}

/** Values the config allow-lists by hash are suppressed wherever they occur. */
function allowListed(findings: Finding[], config: SprawlConfig): void {
  if (config.allowedSecretHashes.length === 0) return;
  const allowed = new Set(config.allowedSecretHashes);
  for (const finding of findings) {
    if (!allowed.has(finding.secretHash)) continue;
    for (const occurrence of finding.occurrences) occurrence.allowed ??= { reason: `allow-listed value (${path.basename(config.file ?? 'config')})` };
    finding.suppressed = true;
  }
}

export async function scanAndReport(source: PipelineSource, options: ScanCommandOptions): Promise<number> {
  const format = chooseFormat(options);
  const { root, rules, findings, stats, config } = await scanForFindings(source, options);
  // --no-ignore shows everything, baselined findings included.
  const baselineFile = options.baseline ?? config.baseline;
  const baselineOutcome = baselineFile && options.ignore ? { file: baselineFile, ...applyBaseline(findings, readBaseline(baselineFile)) } : undefined;
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
  const failOn = options.failOn ?? config.failOn ?? 'low';
  source.afterReport?.({ findings, failOn });
  return exitCodeFor(report, failOn);
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
