/**
 * `sprawl logs PATH…`: log files and folders, compressed rotations included; `-` reads standard input.
 */
import { listLogs } from '../../sources/log-files.js';
import { stdinSource } from '../../sources/stdin.js';
import { LOG_DECODE_DEPTH } from '../../ruleset/compile-rules.js';
import { scanAndReport, type ScanCommandOptions } from '../scan-pipeline.js';

export async function runLogs(paths: string[], options: ScanCommandOptions & { stdinName?: string }): Promise<number> {
  // Logs carry tokens base64'd into JSON fields and percent-encoded into URLs: decode two levels by default.
  const source = paths.length === 1 && paths[0] === '-' ? stdinSource(options.stdinName ?? 'stdin') : listLogs(paths, { exclude: options.exclude ?? [] });
  return scanAndReport({ ...source, defaultDecodeDepth: LOG_DECODE_DEPTH }, options);
}
