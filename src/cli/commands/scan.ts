/**
 * `sprawl scan [path]`: the working tree (or one file) under PATH.
 */
import { loadConfig } from '../../config/load-config.js';
import { LOG_DECODE_DEPTH } from '../../ruleset/compile-rules.js';
import { stdinSource } from '../../sources/stdin.js';
import { listWorkingTree } from '../../sources/working-tree.js';
import { scanAndReport, type ScanCommandOptions } from '../scan-pipeline.js';

export async function runScan(scanPath: string, options: ScanCommandOptions & { stdinName?: string }): Promise<number> {
  if (scanPath === '-') return scanAndReport({ ...stdinSource(options.stdinName ?? 'stdin'), defaultDecodeDepth: LOG_DECODE_DEPTH }, options);
  const listing = listWorkingTree(scanPath, { exclude: options.exclude ?? [], useIgnoreFiles: options.ignore });
  // The config's excluded paths are also left out of the walk itself, so they cost nothing.
  const config = loadConfig(listing.root, options.config);
  if (config.excludePaths.length === 0 || !options.ignore) return scanAndReport(listing, options);
  return scanAndReport(listWorkingTree(scanPath, { exclude: [...(options.exclude ?? []), ...config.excludePaths], useIgnoreFiles: true }), options);
}
