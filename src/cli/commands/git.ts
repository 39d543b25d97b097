/**
 * `sprawl git [REPO]`: every blob in the history (or in `--range A..B`, a branch, a date window), scanned
 * once each, then the findings attributed to the commits that added and removed them.
 */
import { historyLog, type HistoryLog } from '../../sources/git-attribution.js';
import { addExposure } from './git-exposure.js';
import { listHistory, type HistorySelection } from '../../sources/git-history.js';
import { scanAndReport, type ScanCommandOptions } from '../scan-pipeline.js';

export type GitCommandOptions = ScanCommandOptions & HistorySelection & { all?: boolean };

export async function runGit(repositoryPath: string, options: GitCommandOptions): Promise<number> {
  const history = await listHistory(
    repositoryPath,
    {
      // Given empty, a value is refused, not ignored (which would scan the whole history).
      ...(options.range !== undefined ? { range: options.range } : {}),
      ...(options.branch !== undefined && !options.all ? { branch: options.branch } : {}),
      ...(options.since !== undefined ? { since: options.since } : {}),
      ...(options.until !== undefined ? { until: options.until } : {}),
    },
    { exclude: options.exclude ?? [], useIgnoreFiles: options.ignore },
  );
  // The commit log is read only when something was found, and then at once, beside the rest of the scan.
  // (HEAD's tree the listing has read already, for ignore files and submodules; the repository keeps it.)
  let log: Promise<HistoryLog> | undefined;
  const startLog = () => (log ??= historyLog(history.repository, history.revisionArgs));
  return scanAndReport(
    {
      ...history,
      onFirstMatch: () => {
        // A failure is reported when the answer is awaited.
        void startLog().catch(() => undefined);
      },
      enrich: async (findings) => {
        if (!findings.some((finding) => finding.occurrences.some((occurrence) => occurrence.provenance.kind === 'git'))) return;
        await addExposure(findings, history, await startLog());
      },
    },
    options,
  );
}
