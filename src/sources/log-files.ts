/**
 * Log files as a source (`sprawl logs PATH…`): every file under the paths, ignore files not honoured
 * (logs are rarely under version control), rotated and compressed ones included; `.gz` files are
 * decompressed as a stream while they are scanned, so a multi-gigabyte log costs one chunk of memory.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import type { SkippedInput } from '../engine/scan-stats.js';
import type { Provenance } from './provenance.js';
import { isItemList, type ScanItem, type ScanItems } from './scan-item.js';
import { listWorkingTree } from './working-tree.js';

export interface LogListing {
  root: string;
  items: ScanItems;
  skipped: SkippedInput[];
  provenanceOf: (id: string) => Provenance[];
}

export function listLogs(paths: readonly string[], options: { exclude?: readonly string[] } = {}): LogListing {
  // One folder: paths relative to it, as `sprawl scan` does; several: relative to where sprawl runs.
  const root = paths.length === 1 && isDirectory(paths[0]!) ? path.resolve(paths[0]!) : process.cwd();
  const skipped: SkippedInput[] = [];
  const listings = paths.map((logPath) => listWorkingTree(logPath, { exclude: options.exclude ?? [], useIgnoreFiles: false }));
  const asLog = (item: ScanItem): ScanItem[] => {
    if (item.kind !== 'file') return [];
    const relative = path.relative(root, item.absolutePath);
    // A log outside the root (`sprawl logs /var/log/syslog` from elsewhere) keeps its absolute path.
    const id = relative.startsWith('..') ? item.absolutePath : relative.split(path.sep).join('/') || item.id;
    return [{ ...item, id, ...(/\.gz$/i.test(item.absolutePath) ? { compression: 'gzip' as const } : {}) }];
  };
  async function* items(): AsyncIterable<readonly ScanItem[]> {
    for (const listing of listings) {
      for await (const listed of listing.items) {
        const logs = isItemList(listed) ? listed.flatMap(asLog) : asLog(listed);
        if (logs.length > 0) yield logs;
      }
      skipped.push(...listing.skipped);
    }
  }
  return { root, items: items(), skipped, provenanceOf: (id) => [{ kind: 'file', path: id }] };
}

function isDirectory(candidate: string): boolean {
  try {
    return statSync(candidate).isDirectory();
  } catch {
    return false;
  }
}
