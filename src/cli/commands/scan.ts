/**
 * `sprawl scan [path]`: the working tree (or one file) under PATH.
 */
import { createReadStream, statSync } from 'node:fs';
import { loadConfig } from '../../config/load-config.js';
import { UserError } from '../../user-error.js';
import { LOG_DECODE_DEPTH } from '../../ruleset/compile-rules.js';
import { stdinSource } from '../../sources/stdin.js';
import { listWorkingTree } from '../../sources/working-tree.js';
import { scanAndReport, type ScanCommandOptions } from '../scan-pipeline.js';

export async function runScan(scanPath: string, options: ScanCommandOptions & { stdinName?: string }): Promise<number> {
  if (scanPath === '-') return scanAndReport({ ...stdinSource(options.stdinName ?? 'stdin'), defaultDecodeDepth: LOG_DECODE_DEPTH }, options);
  const kind = specialFileKind(scanPath);
  // A named pipe or a process substitution (`sprawl scan <(kubectl get secret -o yaml)`) is a stream:
  // read as standard input is, under the name it was given.
  if (kind === 'pipe') return scanAndReport({ ...stdinSource(scanPath, createReadStream(scanPath)), defaultDecodeDepth: LOG_DECODE_DEPTH }, options);
  if (kind === 'other') throw new UserError('path-unreadable', `${scanPath}: not a file, folder or pipe (a socket or device), so nothing would be scanned`);
  const listing = listWorkingTree(scanPath, { exclude: options.exclude ?? [], useIgnoreFiles: options.ignore });
  // The config's excluded paths are also left out of the walk itself, so they cost nothing.
  const config = loadConfig(listing.root, options.config);
  if (config.excludePaths.length === 0 || !options.ignore) return scanAndReport(listing, options);
  return scanAndReport(listWorkingTree(scanPath, { exclude: [...(options.exclude ?? []), ...config.excludePaths], useIgnoreFiles: true }), options);
}

/** What the path names when it is neither a file nor a folder; undefined otherwise (or when it cannot be told: the listing says why). */
function specialFileKind(scanPath: string): 'pipe' | 'other' | undefined {
  let stats;
  try {
    stats = statSync(scanPath);
  } catch {
    return undefined;
  }
  if (stats.isFile() || stats.isDirectory()) return undefined;
  return stats.isFIFO() || stats.isCharacterDevice() ? 'pipe' : 'other';
}
