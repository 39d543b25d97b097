/**
 * The staged source: what `git commit` would record, read from the index, never from the working copy.
 * One `git diff --cached --raw` lists the added, copied, modified, renamed and type-changed paths with
 * their staged (and committed) blob ids and modes (it works before the first commit too: an unborn HEAD diffs against
 * the empty tree); the blobs stream through one `git cat-file --batch`. Deleted paths have nothing to
 * scan; submodules (mode 160000), symbolic links (120000) and Git LFS pointers are counted as skipped,
 * and binary content is left to the engine, as in `scan`.
 *
 * A modified or renamed file's committed version (HEAD's) is kept in mind: what the commit does not add
 * is reported without blocking it (see staged-already-committed.ts). Renames are git's own
 * (`--find-renames`, with room for 20,000 files where git's default of 1,000 left a large refactor's
 * moves unpaired), so a moved file is compared with the file it was.
 *
 * Ignores: `--exclude` globs and `.sprawlignore` files apply as in `scan` (each `.sprawlignore` read
 * from the index when it is staged there, else from the working copy). `.gitignore` does not: a staged
 * file is committed whether or not it is git-ignored (`git add -f`), so its secrets are committed too.
 */
import path from 'node:path';
import type { SkippedInput } from '../engine/scan-stats.js';
import type { ScanInput } from '../engine/scan.js';
import { UserError } from '../user-error.js';
import { excludeMatcher } from './exclude-globs.js';
import { gitError, gitOutput, GitRepository } from './git.js';
import type { Finding } from '../findings/finding.js';
import type { Provenance } from './provenance.js';
import { markAlreadyCommitted, type StagedVersion } from './staged-already-committed.js';
import type { ScanItem } from './scan-item.js';
import { SPRAWLIGNORE, FolderIgnores, readIgnoreFile } from './folder-ignores.js';
import { parseRawDiff } from './git-raw-row.js';

const MODE_SYMLINK = '120000';
const MODE_GITLINK = '160000';
/** A Git LFS pointer holds no content, only where the content is (as `git` history skips them). */
const LFS_POINTER_PREFIX = Buffer.from('version https://git-lfs.github.com/spec/v1');

export interface StagedOptions {
  /** Globs to leave out, relative to the repository's top folder (`--exclude`). */
  exclude?: readonly string[];
  /** Honour `.sprawlignore` files (default); `false` is the audit mode. */
  useIgnoreFiles?: boolean;
}

export interface StagedListing extends ScanInput {
  /** The repository's top folder; staged paths are relative to it. */
  root: string;
  /** Marks the occurrences the commit does not add (already in HEAD), as suppressed. */
  enrich: (findings: Finding[]) => Promise<void>;
}

/** One staged path whose content is a regular file's. */
interface StagedEntry extends StagedVersion {
  path: string;
}

export async function listStaged(directory: string, options: StagedOptions = {}): Promise<StagedListing> {
  const absolute = path.resolve(directory); // errors name the folder in full
  // Both at once: the listing does not wait for the repository check (paths in `--raw` output are
  // relative to the top folder wherever git runs, `diff.relative` aside). When the folder is not in a
  // repository, the check's error is the one reported.
  const [opened, listed] = await Promise.allSettled([
    GitRepository.open(absolute),
    // `gitOutput`, not `GitRepository.run`: simple-git drops the ambient `GIT_*` variables, and in a hook
    // `GIT_INDEX_FILE` names the index being committed.
    gitOutput(absolute, ['-c', 'diff.relative=false', 'diff', '--cached', '--raw', '-z', '--no-abbrev', '--find-renames', '-l20000', '--no-ext-diff', '--no-textconv', '--no-color', '--diff-filter=ACMRT']).catch((error: unknown) => {
      throw gitError(absolute, error);
    }),
  ]);
  if (opened.status === 'rejected') throw opened.reason;
  const repository = opened.value;
  if (repository.isBare) throw new UserError('git-error', `${repository.root}: a bare repository has no index to scan`);
  if (listed.status === 'rejected') throw listed.reason;
  const raw = listed.value;
  const changes = parseRawDiff(raw);
  const skipped: SkippedInput[] = [];
  const entries: StagedEntry[] = [];
  const excluded = excludeMatcher(options.exclude ?? []);
  const ignoreFiles = options.useIgnoreFiles === false ? undefined : await readSprawlignores(repository, changes.map((change) => change.path));
  for (const change of changes) {
    if (excluded?.ignores(change.path) || ignoreFiles?.isIgnored(change.path)) continue;
    if (/^0+$/.test(change.blobId)) continue; // `git add -N`: nothing of it is staged yet
    if (change.mode === MODE_GITLINK) skipped.push({ path: change.path, reason: 'submodule' });
    else if (change.mode === MODE_SYMLINK) skipped.push({ path: change.path, reason: 'symlink' });
    else entries.push({ path: change.path, blobId: change.blobId, ...(change.previous ? { previous: change.previous } : {}) });
  }
  const versionOf = new Map(entries.map((entry) => [entry.path, entry]));
  return {
    root: repository.root,
    items: readEntries(repository, entries, skipped),
    skipped,
    provenanceOf: (id: string): Provenance[] => [{ kind: 'staged', path: id, blobId: versionOf.get(id)?.blobId ?? '' }],
    enrich: (findings) => markAlreadyCommitted(findings, repository, versionOf),
  };
}

/** Yields one item per staged path (its id is the path); a blob staged under several paths is read once. */
async function* readEntries(repository: GitRepository, entries: readonly StagedEntry[], skipped: SkippedInput[]): AsyncIterable<ScanItem> {
  const pathsByBlob = new Map<string, string[]>();
  for (const entry of entries) {
    const paths = pathsByBlob.get(entry.blobId);
    if (paths) paths.push(entry.path);
    else pathsByBlob.set(entry.blobId, [entry.path]);
  }
  for await (const { id, bytes } of repository.readBlobs([...pathsByBlob.keys()])) {
    for (const stagedPath of pathsByBlob.get(id) ?? []) {
      if (bytes === null) skipped.push({ path: stagedPath, reason: 'unreadable', detail: `blob ${id.slice(0, 12)} missing from the object database` });
      else if (bytes.subarray(0, LFS_POINTER_PREFIX.length).equals(LFS_POINTER_PREFIX)) skipped.push({ path: stagedPath, reason: 'lfs-pointer', detail: `blob ${id.slice(0, 12)}` });
      else yield { kind: 'bytes', id: stagedPath, bytes };
    }
  }
}

async function readSprawlignores(repository: GitRepository, stagedPaths: readonly string[]): Promise<FolderIgnores> {
  const folders = new Set<string>();
  for (const stagedPath of stagedPaths) {
    for (let folder = path.posix.dirname(stagedPath); ; folder = path.posix.dirname(folder)) {
      const key = folder === '.' ? '' : folder;
      if (folders.has(key)) break;
      folders.add(key);
      if (key === '') break;
    }
  }
  const ignores = new FolderIgnores();
  if (folders.size === 0) return ignores;
  // The staged versions, named `:path` (the index entry), all through one `cat-file --batch`: no
  // listing of the whole index. A folder whose file is not in the index
  // uses the working copy's, as `scan` would.
  const indexName = (folder: string) => `:${folder === '' ? '' : `${folder}/`}${SPRAWLIGNORE}`;
  const staged = new Map<string, Buffer | null>();
  for await (const { id, bytes } of repository.readBlobs([...folders].map(indexName))) staged.set(id, bytes);
  for (const folder of folders) {
    let text = staged.get(indexName(folder))?.toString('utf8');
    if (text === undefined) {
      // A missing, unreadable, linked or oversized one ignores nothing, as in `scan`.
      text = readIgnoreFile(path.join(repository.root, folder, SPRAWLIGNORE));
    }
    if (text !== undefined) ignores.add(folder, text);
  }
  return ignores;
}
