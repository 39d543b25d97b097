/**
 * `sprawl staged [path]`: what the next commit would record (the index, not the working copy), for
 * pre-commit hooks. A commit holds a few files, so it is scanned in this thread with only the rules its
 * keywords call for, without starting the worker pool (unless `--threads` asks for the pool). When it
 * fails, a short message after the report names each place, its rule, and how to allow a false positive.
 * A secret the commit does not add (already in HEAD, see sources/staged-already-committed.ts) does not
 * block it, but is named in a note: it needs rotating whoever committed it.
 */
import { isSuppressed, type Finding, type Occurrence } from '../../findings/finding.js';
import { severityRank } from '../../findings/severity.js';
import type { Severity } from '../../ruleset/rule.js';
import { placeOf, printable } from '../../reporters/report.js';
import { listStaged } from '../../sources/git-staged.js';
import { EXIT } from '../exit-codes.js';
import { scanAndReport, type ScanCommandOptions } from '../scan-pipeline.js';

/** Places listed in the closing message before "and N more". */
const MAX_LISTED = 10;

export async function runStaged(directory: string, options: ScanCommandOptions): Promise<number> {
  const listing = await listStaged(directory, { exclude: options.exclude ?? [], useIgnoreFiles: options.ignore });
  let blocked = '';
  let committed = '';
  const exitCode = await scanAndReport(
    {
      ...listing,
      inProcess: options.threads === undefined,
      afterReport: ({ findings, failOn }) => {
        blocked = blockedMessage(findings, failOn);
        committed = alreadyCommittedNote(findings);
      },
    },
    options,
  );
  if (exitCode === EXIT.findings) process.stderr.write(blocked);
  process.stderr.write(committed);
  return exitCode;
}

/** The few lines a person committing needs: where, which rule, and the way out for a false positive. */
export function blockedMessage(findings: readonly Finding[], failOn: Severity | 'none'): string {
  const threshold = failOn === 'none' ? Infinity : severityRank(failOn);
  const blocking = findings.filter((finding) => !finding.suppressed && severityRank(finding.severity) >= threshold);
  const places = placesWhere(blocking, (occurrence) => !isSuppressed(occurrence));
  const count = places.length;
  const lines = [
    `sprawl: ${count} secret${count === 1 ? '' : 's'} in the staged changes; the commit is blocked:`,
    ...listed(places),
    '  Remove it from the staged file (and rotate it if it is real). A false positive: add a `sprawl:allow`',
    '  comment on its line (e.g. `# sprawl:allow test fixture`) and stage the file again.',
  ];
  return `${lines.join('\n')}\n`;
}

/** Secrets the commit leaves where they were: not its fault, but committed already, so worth a line. */
export function alreadyCommittedNote(findings: readonly Finding[]): string {
  const places = placesWhere(findings, (occurrence) => occurrence.alreadyCommitted !== undefined && !occurrence.allowed && !occurrence.baselined);
  if (places.length === 0) return '';
  const count = places.length;
  const them = count === 1 ? 'it' : 'them';
  const lines = [
    `sprawl: note: ${count} secret${count === 1 ? ' is' : 's are'} already committed in files these changes touch (not blocking: the commit does not add ${them}):`,
    ...listed(places),
    `  Committed secrets stay in history: rotate ${them}, then remove ${them} (sprawl git shows since when).`,
  ];
  return `${lines.join('\n')}\n`;
}

/** `  path:line:column  rule (severity)` for each occurrence kept, sorted. */
function placesWhere(findings: readonly Finding[], keep: (occurrence: Occurrence) => boolean): string[] {
  return findings
    .flatMap((finding) => finding.occurrences.filter(keep).map((occurrence) => `  ${printable(placeOf(occurrence))}:${occurrence.line}:${occurrence.column}  ${finding.rule.id} (${finding.severity})`))
    .sort();
}

/** The first places, then how many more. */
function listed(places: readonly string[]): string[] {
  return [...places.slice(0, MAX_LISTED), ...(places.length > MAX_LISTED ? [`  … and ${places.length - MAX_LISTED} more`] : [])];
}
