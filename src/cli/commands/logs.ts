/**
 * `sprawl logs PATH…`: log files and folders, compressed rotations included; `-` reads standard input.
 */
import { listLogs } from '../../sources/log-files.js';
import { stdinSource } from '../../sources/stdin.js';
import { scanAndReport, type ScanCommandOptions } from '../scan-pipeline.js';

export async function runLogs(paths: string[], options: ScanCommandOptions & { stdinName?: string }): Promise<number> {
  if (paths.length === 1 && paths[0] === '-') return scanAndReport(stdinSource(options.stdinName ?? 'stdin'), options);
  return scanAndReport(listLogs(paths, { exclude: options.exclude ?? [] }), options);
}
