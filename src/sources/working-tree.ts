/**
 * Lists the files of a working tree to scan, as a stream, so that workers start on the first files
 * while the walk goes on. Honours nested `.gitignore` and `.sprawlignore` files, those of the folders
 * above the root up to its repository's top, and there `.git/info/exclude` (gitignore syntax, via the
 * `ignore` package; see folder-ignores.ts), and `--exclude` globs (see exclude-globs.ts); never enters
 * `.git`; does not follow symbolic links, so a link loop cannot trap it (links are counted as skipped
 * instead). It only lists: workers read the bytes.
 *
 * Why a walk of our own, one `readdirSync` per folder, not a walker library: the walk runs on the main
 * thread beside the workers, on the same cores, so its CPU is taken from the scan. Listing the 14,500
 * files (2,400 folders) of the benchmark tree took 0.42-0.46 s of CPU through `@nodelib/fs.walk`
 * (fast-glob's walker) and 0.41-0.45 s through fast-glob; about 0.2 s through `fs.promises.readdir`,
 * whose hand-off to libuv's thread pool costs more per folder than the listing; about 0.08 s here. What is
 * left to write is what no walker does for us anyway: pruning ignored folders before they are entered,
 * with each folder's ignore files read as it is listed.
 *
 * The walk is pulled: a folder is listed only when the scan has taken the files before it, so memory
 * holds one folder's entries and the folders still to visit, however large the tree. A listing blocks
 * the main thread for the few milliseconds it takes; the workers have batches queued meanwhile.
 */
import { accessSync, constants, existsSync, readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import type { SkippedInput } from '../engine/scan-stats.js';
import { UserError } from '../user-error.js';
import { excludeMatcher } from './exclude-globs.js';
import { FolderIgnores, readIgnoreFile } from './folder-ignores.js';
import type { Provenance } from './provenance.js';
import type { ScanItem } from './scan-item.js';

export const IGNORE_FILE_NAMES = ['.gitignore', '.sprawlignore'] as const;

export interface WorkingTreeListing {
  root: string;
  /** One item per file (a folder's files in one array); its id is the path relative to the root, with `/` separators. */
  items: AsyncIterable<readonly ScanItem[]>;
  /** Entries seen but not read (symbolic links, sockets, folders that cannot be listed); complete once `items` is consumed. */
  skipped: SkippedInput[];
  provenanceOf: (id: string) => Provenance[];
}

export interface WorkingTreeOptions {
  /** Extra globs to leave out, relative to the root (`--exclude`). */
  exclude?: readonly string[];
  /** Honour .gitignore and .sprawlignore (default); `false` scans everything but `.git`. */
  useIgnoreFiles?: boolean;
}

export function listWorkingTree(rootArgument: string, options: WorkingTreeOptions = {}): WorkingTreeListing {
  const root = path.resolve(rootArgument);
  let rootStats;
  try {
    rootStats = statSync(root);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UserError('path-not-found', `${rootArgument}: no such file or directory`);
    throw new UserError('path-unreadable', `${rootArgument}: cannot be read (${code ?? 'error'}), so nothing would be scanned`);
  }
  // The path the user named must be readable: a scan of nothing would report "no findings" and pass.
  // (What cannot be read below it is counted and reported instead, and the scan goes on.)
  try {
    accessSync(root, rootStats.isDirectory() ? constants.R_OK | constants.X_OK : constants.R_OK);
  } catch (error) {
    throw new UserError('path-unreadable', `${rootArgument}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}), so nothing would be scanned`);
  }
  if (rootStats.isFile()) {
    // A file is reported by the path it was named by: under the current folder (`sprawl scan
    // config/prod.env` run at the top of a project, as pre-commit runs it) relative to that folder,
    // which is then the root its config is found in; elsewhere relative to its own folder.
    const here = currentFolder();
    const fromHere = here === undefined ? '' : path.relative(here, root);
    const underHere = here !== undefined && fromHere !== '' && !fromHere.startsWith(`..${path.sep}`) && fromHere !== '..' && !path.isAbsolute(fromHere);
    const fileRoot = underHere ? here : path.dirname(root);
    return { root: fileRoot, items: singleFile(root, path.relative(fileRoot, root).split(path.sep).join('/')), skipped: [], provenanceOf: fileProvenance };
  }
  const skipped: SkippedInput[] = [];
  return { root, items: walk(root, options, skipped), skipped, provenanceOf: fileProvenance };
}

/** The current folder, or undefined when it no longer exists (removed under the shell). */
function currentFolder(): string | undefined {
  try {
    return process.cwd();
  } catch {
    return undefined;
  }
}

function fileProvenance(id: string): Provenance[] {
  return [{ kind: 'file', path: id }];
}

async function* singleFile(absolutePath: string, id: string): AsyncIterable<readonly ScanItem[]> {
  yield [{ kind: 'file', id, absolutePath }];
}

/*
 * The walk is an async generator only at its surface: it yields what `TreeWalk` lists one folder at a
 * time, synchronously, each folder's files as one array. With the whole loop inside the generator, V8 optimised it four times in one scan
 * of the benchmark tree (145 ms of compiler CPU, taken from the workers' cores): entries of two shapes
 * and closures over arrays of several element kinds threw the optimised code away. Now it is optimised
 * twice, and the entries have one shape.
 */
async function* walk(root: string, options: WorkingTreeOptions, skipped: SkippedInput[]): AsyncIterable<readonly ScanItem[]> {
  const tree = new TreeWalk(root, options, skipped);
  for (let items = tree.nextFolder(); items !== undefined; items = tree.nextFolder()) if (items.length > 0) yield items;
}

class TreeWalk {
  private readonly ignoreRules: IgnoreRules;
  private readonly excluded: ReturnType<typeof excludeMatcher>;
  // Folders still to list, relative to the root; depth first, so that the stack stays as short as the tree is deep.
  private readonly pending: Folder[];

  constructor(
    private readonly root: string,
    options: WorkingTreeOptions,
    private readonly skipped: SkippedInput[],
  ) {
    this.ignoreRules = new IgnoreRules(root, options.useIgnoreFiles ?? true);
    this.pending = [{ relative: '', raw: undefined, rules: this.ignoreRules.atRoot }];
    this.excluded = excludeMatcher(options.exclude ?? []);
    this.rootPrefix = root.endsWith(path.sep) ? root : `${root}${path.sep}`;
  }

  /** The root with a separator after it. */
  private readonly rootPrefix: string;

  /**
   * A listed file's absolute path. The relative path is made of names a listing gave (no `.`, `..` or
   * empty ones), so on POSIX the root and it only need joining: `path.join` normalised each of 14,500
   * paths of the benchmark tree again, allocating 13 MB on the main thread (a third of all it allocated).
   */
  private absolutePathOf(relativePath: string): string {
    return path.sep === '/' ? this.rootPrefix + relativePath : path.join(this.root, relativePath);
  }

  /** The files of the next folder to list (perhaps none), or undefined when every folder has been listed. */
  nextFolder(): ScanItem[] | undefined {
    const folder = this.pending.pop();
    if (folder === undefined) return undefined;
    const { root, ignoreRules, excluded, skipped } = this;
    const entries = listFolder(root, folder, skipped);
    const rules = ignoreRules.readFolder(folder, entries);
    const files: ScanItem[] = [];
    const subfolders: Folder[] = [];
    for (const { name, dirent, raw } of entries) {
      if (name === '.git') continue;
      const relativePath = folder.relative ? `${folder.relative}/${name}` : name;
      const isDirectory = dirent.isDirectory();
      if (rules.isIgnored(relativePath, isDirectory) || excluded?.ignores(isDirectory ? `${relativePath}/` : relativePath)) continue;
      if (isDirectory) subfolders.push({ relative: relativePath, raw, rules });
      else if (dirent.isFile()) {
        const absolutePath = this.absolutePathOf(relativePath);
        files.push(raw ? { kind: 'file', id: relativePath, absolutePath, rawPath: raw } : { kind: 'file', id: relativePath, absolutePath });
      }
      else if (dirent.isSymbolicLink()) skipped.push({ path: relativePath, reason: 'symlink' });
      else skipped.push({ path: relativePath, reason: 'special-file' });
    }
    // Reversed onto the stack, so that folders are visited in the order they were listed.
    for (let index = subfolders.length - 1; index >= 0; index--) this.pending.push(subfolders[index]!);
    return files;
  }
}

/**
 * A folder to list: its path relative to the root, its absolute path as bytes where a name on the way is
 * not valid UTF-8, and the ignore rules of the repository it lies in.
 */
interface Folder {
  relative: string;
  raw: Buffer | undefined;
  rules: RepositoryRules;
}

/** A folder's entry: its name as text, and its absolute path as bytes where that text names no file (see `listFolder`). */
interface ListedEntry {
  name: string;
  dirent: Dirent | Dirent<Buffer>;
  raw: Buffer | undefined;
}

/** Marks where a name's bytes were not valid UTF-8 when it was read as text. */
const NOT_UTF8 = '\uFFFD';

/**
 * A folder's entries, in name order (the file system's own order differs from one to another, and a walk
 * in a fixed order makes runs repeatable); one that cannot be listed is recorded as skipped with its error
 * code, not failed on or passed over silently. A name that is not valid UTF-8 (a file named in Latin-1)
 * comes out of a listing as text with U+FFFD in its place, which names no file; such a folder is listed
 * again as bytes, and its entries are then opened by their bytes, so nothing in it goes unread.
 */
function listFolder(root: string, folder: Folder, skipped: SkippedInput[]): ListedEntry[] {
  const absolute = folder.relative ? path.join(root, folder.relative) : root;
  const inNameOrder = (entries: ListedEntry[]) => entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  try {
    if (folder.raw === undefined) {
      const listed = readdirSync(absolute, { withFileTypes: true });
      const entries: ListedEntry[] = [];
      for (const dirent of listed) {
        if (dirent.name.includes(NOT_UTF8)) break;
        entries.push({ name: dirent.name, dirent, raw: undefined });
      }
      if (entries.length === listed.length) return inNameOrder(entries);
    }
    const folderBytes = folder.raw ?? Buffer.from(absolute);
    const entries = readdirSync(folderBytes, { withFileTypes: true, encoding: 'buffer' }).map((dirent): ListedEntry => {
      const name = dirent.name.toString('utf8');
      const raw = Buffer.concat([folderBytes, Buffer.from('/'), dirent.name]);
      return { name, dirent, raw: folder.raw !== undefined || name.includes(NOT_UTF8) ? raw : undefined };
    });
    return inNameOrder(entries);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    skipped.push({ path: folder.relative || '.', reason: 'unreadable', detail: code ?? message });
    return [];
  }
}

/**
 * The ignore files met so far, of one repository: the one the root lies in, or one inside the walk (a
 * folder holding its own `.git`). Keyed by folder relative to that repository's top; `at` is where its
 * rules start in the walk ('' for the root), `top` that folder's path from the repository's top ('' when
 * it is the top, or in no repository).
 */
class RepositoryRules {
  constructor(
    readonly folders: FolderIgnores,
    private readonly at: string,
    private readonly top: string,
  ) {}

  /** A path of the walk, at or below `at`, as a path from the repository's top. */
  fromTop(relativePath: string): string {
    const rest = this.at === '' ? relativePath : relativePath.slice(this.at.length + 1);
    return this.top === '' ? rest : rest === '' ? this.top : `${this.top}/${rest}`;
  }

  /** gitignore semantics: the rules of the folders above apply, each to the path relative to it, the deepest deciding. */
  isIgnored(relativePath: string, isDirectory: boolean): boolean {
    // The walk enters no ignored folder, so the folders on the way need no second look.
    return this.folders.isIgnoredInKeptFolder(this.fromTop(relativePath), isDirectory);
  }
}

/** Reads the ignore files for the walk: those above the root first, then each folder's as it is listed. */
class IgnoreRules {
  /** The rules the root's entries are filtered by. */
  readonly atRoot: RepositoryRules;

  constructor(
    private readonly root: string,
    private readonly enabled: boolean,
  ) {
    this.atRoot = enabled ? this.readRulesAbove() : new RepositoryRules(new FolderIgnores(), '', '');
  }

  /**
   * git applies the ignore files of every folder from the repository's top down, and the clone's own
   * list, `.git/info/exclude`, at the top; so a scan of a folder inside (`sprawl scan src`) reads them
   * too, each for the paths below its folder. A folder named for the scan that they ignore (`sprawl scan
   * dist`) is scanned all the same, by its own ignore files alone, as a file named on the command line
   * is scanned: the rules above would leave out everything asked for. The repository is looked for from
   * the root's real path, as git finds it: from a link into a repository, its folders are the link's.
   */
  private readRulesAbove(): RepositoryRules {
    const root = realPathOf(this.root);
    const top = repositoryTopOf(root);
    const folders = new FolderIgnores();
    if (top === undefined) return new RepositoryRules(folders, '', '');
    readFile(folders, '', infoExcludeOf(top), true);
    if (top === root) return new RepositoryRules(folders, '', '');
    const names = path.relative(top, root).split(path.sep);
    const rootFolder = names.join('/');
    // The folders from the top down to the root's parent: '', 'a', 'a/b' for a root at a/b/src.
    for (let depth = 0; depth < names.length; depth++) {
      const folder = names.slice(0, depth).join('/');
      for (const name of IGNORE_FILE_NAMES) readFile(folders, folder, path.join(top, folder, name));
    }
    if (folders.isIgnored(rootFolder, true)) return new RepositoryRules(new FolderIgnores(), '', '');
    return new RepositoryRules(folders, '', rootFolder);
  }

  /**
   * Reads the ignore files of a folder being listed, before its entries are filtered; returns the rules
   * to filter them by. A folder below the root holding a `.git` (folder, or file in a submodule) is a
   * repository of its own, which git keeps apart: inside it only its own ignore files and its own
   * `.git/info/exclude` apply, not those of the repository around it.
   */
  readFolder(folder: Folder, entries: readonly ListedEntry[]): RepositoryRules {
    if (!this.enabled) return folder.rules;
    let rules = folder.rules;
    if (folder.relative !== '') {
      for (const entry of entries) {
        if (entry.name !== '.git') continue;
        const absolute = path.join(this.root, folder.relative);
        rules = new RepositoryRules(new FolderIgnores(), folder.relative, '');
        readFile(rules.folders, '', infoExcludeOf(absolute), true);
        break;
      }
    }
    const key = rules.fromTop(folder.relative);
    // A plain loop over the entries: a list of paths that was empty in most folders and held strings in a
    // few made V8 throw the optimised walk away at the first folder with an ignore file.
    // Regular files only, as git reads them: a link is not followed (and is counted as skipped by the walk).
    for (const entry of entries) {
      if ((entry.name === IGNORE_FILE_NAMES[0] || entry.name === IGNORE_FILE_NAMES[1]) && entry.dirent.isFile()) readFile(rules.folders, key, entry.raw ?? path.join(this.root, folder.relative, entry.name));
    }
    return rules;
  }
}

/** A missing, unreadable, linked or oversized ignore file ignores nothing; the files it would hide are scanned. */
function readFile(folders: FolderIgnores, folder: string, file: string | Buffer, followLink = false): void {
  const text = readIgnoreFile(file, { followLink });
  // `add` takes a file's text (split into lines); an array would be taken as single patterns.
  if (text !== undefined) folders.add(folder, text);
}

/** A path with its links resolved; as it is when that fails (the walk reports what it cannot list). */
function realPathOf(absolute: string): string {
  try {
    return realpathSync(absolute);
  } catch {
    return absolute;
  }
}

/** The top of the git work tree a folder lies in: the nearest folder up from it (itself included) holding `.git`. */
function repositoryTopOf(folder: string): string | undefined {
  for (let candidate = folder; ; candidate = path.dirname(candidate)) {
    if (existsSync(path.join(candidate, '.git'))) return candidate;
    if (path.dirname(candidate) === candidate) return undefined;
  }
}

/**
 * The clone's own exclude list of the work tree at `top`: `.git/info/exclude`. Where `.git` is a file
 * (`gitdir: <path>`, in a linked worktree or a submodule), in the git dir it names; a linked worktree's
 * git dir names in `commondir` the main one, where git keeps `info/` for all its worktrees.
 */
function infoExcludeOf(top: string): string {
  const dotGit = path.join(top, '.git');
  // Read as an ignore file is: a regular file of modest size, or nothing.
  const gitFile = readIgnoreFile(dotGit, { followLink: true });
  const gitDir = gitFile === undefined ? undefined : /^gitdir: *(.+?)\s*$/m.exec(gitFile)?.[1];
  if (gitDir === undefined) return path.join(dotGit, 'info', 'exclude');
  const resolvedGitDir = path.resolve(top, gitDir);
  const commonDir = readIgnoreFile(path.join(resolvedGitDir, 'commondir'), { followLink: true })?.trim();
  return path.join(commonDir ? path.resolve(resolvedGitDir, commonDir) : resolvedGitDir, 'info', 'exclude');
}
