/**
 * Lists the files of a working tree to scan. Honours nested `.gitignore` files, `.sprawlignore` files
 * (gitignore syntax) and `--exclude` globs; never enters `.git`; does not follow symbolic links, so a link
 * loop cannot trap it (links are counted as skipped instead). It only lists: workers read the bytes.
 */
import fs, { statSync } from 'node:fs';
import path from 'node:path';
import { globby } from 'globby';
import type { SkippedInput } from '../engine/scan-stats.js';
import { UserError } from '../user-error.js';

export interface FileEntry {
  /** Absolute path, for reading. */
  absolutePath: string;
  /** Relative to the scan root with `/` separators, for reports. */
  relativePath: string;
  sizeBytes: number;
}

export interface WorkingTreeListing {
  root: string;
  files: FileEntry[];
  /** Entries seen but not to be read: symbolic links, sockets. */
  skipped: SkippedInput[];
}

export interface WorkingTreeOptions {
  /** Extra globs to leave out, relative to the root (`--exclude`). */
  exclude?: readonly string[];
  /** Honour .gitignore and .sprawlignore (default); `false` scans everything but `.git`. */
  useIgnoreFiles?: boolean;
}

export async function listWorkingTree(rootArgument: string, options: WorkingTreeOptions = {}): Promise<WorkingTreeListing> {
  const root = path.resolve(rootArgument);
  let rootStats;
  try {
    rootStats = statSync(root);
  } catch {
    throw new UserError('path-not-found', `${rootArgument}: no such file or directory`);
  }
  if (rootStats.isFile()) {
    return {
      root: path.dirname(root),
      files: [{ absolutePath: root, relativePath: path.basename(root), sizeBytes: rootStats.size }],
      skipped: [],
    };
  }
  const useIgnoreFiles = options.useIgnoreFiles ?? true;
  const skipped: SkippedInput[] = [];
  const entries = await globby('**', {
    cwd: root,
    dot: true,
    onlyFiles: false,
    followSymbolicLinks: false,
    objectMode: true,
    stats: true,
    gitignore: useIgnoreFiles,
    ignoreFiles: useIgnoreFiles ? ['**/.sprawlignore'] : [],
    ignore: ['**/.git', '**/.git/**', ...(options.exclude ?? [])],
    fs: readdirRecordingFailures(root, skipped),
  });

  const files: FileEntry[] = [];
  for (const entry of entries) {
    const relativePath = entry.path;
    const stats = entry.stats;
    if (entry.dirent.isDirectory()) continue;
    if (entry.dirent.isSymbolicLink()) {
      skipped.push({ path: relativePath, reason: 'symlink' });
    } else if (entry.dirent.isFile()) {
      files.push({ absolutePath: path.join(root, relativePath), relativePath, sizeBytes: stats?.size ?? 0 });
    } else {
      skipped.push({ path: relativePath, reason: 'special-file' });
    }
  }
  files.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
  return { root, files, skipped };
}

/**
 * fast-glob either throws on the first unreadable directory or, with `suppressErrors`, drops it silently.
 * Neither is acceptable, so its `readdir` is wrapped: a directory that cannot be listed is recorded as
 * skipped (with the error code) and treated as empty, and the walk goes on.
 */
function readdirRecordingFailures(root: string, skipped: SkippedInput[]): Partial<typeof fs> {
  const record = (directory: string, error: NodeJS.ErrnoException) => {
    skipped.push({ path: path.relative(root, directory).split(path.sep).join('/') || '.', reason: 'unreadable', detail: error.code ?? error.message });
  };
  const readdir = ((directory: string, options: unknown, callback: (error: Error | null, entries: unknown[]) => void) => {
    fs.readdir(directory, options as { withFileTypes: true }, (error, entries) => {
      if (error) {
        record(directory, error);
        callback(null, []);
      } else callback(null, entries);
    });
  }) as unknown as typeof fs.readdir;
  return { readdir };
}
