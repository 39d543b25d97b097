/**
 * Log files as a source (`sprawl logs PATH…`): every file under the paths, ignore files not honoured
 * (logs are rarely under version control), rotated and compressed ones included; `.gz` files are
 * decompressed as a stream while they are scanned, so a multi-gigabyte log costs one chunk of memory.
 */
import path from 'node:path';
import type { SkippedInput } from '../engine/scan-stats.js';
import type { Provenance } from './provenance.js';
import type { ScanItem } from './scan-item.js';
import { listWorkingTree } from './working-tree.js';

export interface LogListing {
  root: string;
  items: AsyncIterable<ScanItem>;
  skipped: SkippedInput[];
  provenanceOf: (id: string) => Provenance[];
}

export function listLogs(paths: readonly string[], options: { exclude?: readonly string[] } = {}): LogListing {
  const root = process.cwd();
  const skipped: SkippedInput[] = [];
  const listings = paths.map((logPath) => listWorkingTree(logPath, { exclude: options.exclude ?? [], useIgnoreFiles: false }));
  async function* items(): AsyncIterable<ScanItem> {
    for (const listing of listings) {
      for await (const item of listing.items) {
        if (item.kind !== 'file') continue;
        // Report paths relative to where sprawl runs, so several roots read unambiguously.
        const id = path.relative(root, item.absolutePath).split(path.sep).join('/') || item.id;
        yield { ...item, id, ...(/\.gz$/i.test(item.absolutePath) ? { compression: 'gzip' as const } : {}) };
      }
      skipped.push(...listing.skipped);
    }
  }
  return { root, items: items(), skipped, provenanceOf: (id) => [{ kind: 'file', path: id }] };
}
