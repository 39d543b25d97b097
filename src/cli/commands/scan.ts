/**
 * `sprawl scan [path]`: the working tree (or one file) under PATH.
 */
import { listWorkingTree } from '../../sources/working-tree.js';
import { scanAndReport, type ScanCommandOptions } from '../scan-pipeline.js';

export async function runScan(scanPath: string, options: ScanCommandOptions): Promise<number> {
  const listing = listWorkingTree(scanPath, { exclude: options.exclude ?? [], useIgnoreFiles: options.ignore });
  return scanAndReport(listing, options);
}
