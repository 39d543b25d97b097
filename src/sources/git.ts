/**
 * Talks to git for the history and staged sources. One-shot commands go through simple-git, except the
 * `rev-parse` that opens a repository, which every `sprawl git` and every pre-commit run waits for: there
 * simple-git cost 22 ms to load and 10 ms more per command than starting git directly (34 ms against 4).
 * Listings stream from git as it writes them, and blob contents through one long-lived
 * `git cat-file --batch` (no process per object). Every failure a user can cause (no git binary, not a
 * repository, a bad revision) becomes a one-line UserError; git is only ever asked to read, never to write.
 */
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { SimpleGit } from 'simple-git';
import { simpleGitLibrary } from '../parsers.js';
import { UserError } from '../user-error.js';
import { CatFileSession, type ObjectReader } from './git-cat-file.js';
import { gitEnvironment } from './git-environment.js';
import { SPRAWLIGNORE } from './folder-ignores.js';

/**
 * The variables git sets for hooks to say which repository and index are meant (`git commit -a` runs the
 * pre-commit hook with a temporary GIT_INDEX_FILE; server hooks use GIT_QUARANTINE_PATH). simple-git
 * strips every GIT_* variable by default, which would make a hook read the wrong index.
 */
const REPOSITORY_ENVIRONMENT = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
  'GIT_QUARANTINE_PATH',
  'GIT_CEILING_DIRECTORIES',
  'GIT_NO_LAZY_FETCH',
  'GIT_NO_REPLACE_OBJECTS',
] as const;


function gitClient(baseDir: string): SimpleGit {
  return simpleGitLibrary().simpleGit({
    baseDir,
    binary: 'git',
    maxConcurrentProcesses: 4,
    trimmed: false,
    allowEnvironment: REPOSITORY_ENVIRONMENT,
    // Treat 'close' as the end: simple-git otherwise waits 50 ms after 'exit' for output that never comes.
    completion: { onClose: true, onExit: false },
  }).env(
    // simple-git refuses an environment that sets GIT_* variables it was not told to allow.
    Object.fromEntries(Object.entries(gitEnvironment()).filter(([name]) => !name.startsWith('GIT_') || (REPOSITORY_ENVIRONMENT as readonly string[]).includes(name))),
  );
}

/**
 * HEAD's commit and the few entries of its tree the history scan needs; empty for a repository without
 * commits. Whether a blob is still at HEAD is asked per blob (`blobsAtHead`): a monorepo's tree has a
 * million entries, which are read as a stream and not kept.
 */
export interface GitRef {
  /** `refs/heads/main`, `refs/tags/v1`, `refs/stash`. */
  name: string;
  /** As people write it: `main`, `v1`, `stash`, `origin/main`. */
  shortName: string;
  /** The object it points at, an annotated tag peeled once. */
  objectId: string;
  /** The commit it points at, with its committer date (ISO 8601), when it points at one (directly, or through one tag). */
  tip?: { commitId: string; date: string };
}

export interface HeadTree {
  commitId: string;
  /** Submodules in HEAD's tree: other repositories, reported rather than scanned. */
  submodulePaths: readonly string[];
  /** The `.sprawlignore` files committed at HEAD, which the history scan honours. */
  ignoreFiles: readonly { path: string; blobId: string }[];
}

export class GitRepository {
  private headTreeRead: Promise<HeadTree> | undefined;

  private constructor(
    /** The work tree's top folder, or the git dir itself for a bare repository. */
    readonly root: string,
    readonly isBare: boolean,
    readonly isShallow: boolean,
    /** The commit HEAD pointed at when the repository was opened; empty before the first commit. */
    private readonly headCommitId: string,
    /** This work tree's git dir (a linked worktree's own, where its rebase state lives). */
    private readonly gitDir: string,
  ) {}

  /** simple-git, for the one-shot commands of `run`, made on the first. */
  private git: SimpleGit | undefined;

  static async open(directory: string): Promise<GitRepository> {
    const absolute = path.resolve(directory);
    let isDirectory: boolean;
    try {
      isDirectory = statSync(absolute).isDirectory();
    } catch {
      throw new UserError('path-not-found', `${directory}: no such directory`);
    }
    if (!isDirectory) throw new UserError('path-not-found', `${directory}: not a directory (give the repository's folder)`);
    let lines: string[];
    try {
      // One process: --show-cdup (the way up to the work tree's top) prints a line, perhaps empty, in a
      // work tree and nothing in a bare repository, where --show-toplevel would fail; then HEAD's commit,
      // which --revs-only leaves out, without failing, before the first commit.
      lines = (await gitOutput(absolute, ['rev-parse', '--is-bare-repository', '--is-shallow-repository', '--absolute-git-dir', '--show-cdup', '--revs-only', 'HEAD^{commit}'])).split('\n');
    } catch (error) {
      throw gitError(directory, error);
    }
    const [bare = 'false', shallow = 'false', gitDir = ''] = lines;
    const isBare = bare.trim() === 'true';
    const [upToTop = '', headCommitId = ''] = isBare ? ['', lines[3]] : [lines[3], lines[4]];
    const root = isBare ? absolute : path.resolve(absolute, upToTop.trim());
    return new GitRepository(root, isBare, shallow.trim() === 'true', headCommitId.trim(), gitDir.trim());
  }

  /**
   * A partial clone (`git clone --filter=...`) names a promisor remote that holds the objects it did not
   * download; such blobs are expected to be missing, where elsewhere a missing blob is corruption.
   */
  async isPartialClone(): Promise<boolean> {
    // `remote.<name>.promisor` is what clone writes; `extensions.partialClone` what older versions wrote.
    // Spawned, not through simple-git, which a scan with nothing to attribute does not otherwise load.
    const settings = await this.spawned(['config', '--get-regexp', '^(remote\\..*\\.promisor|extensions\\.partialclone)$']).catch(() => '');
    return settings.split('\n').some((line) => /^extensions\.partialclone \S|\.promisor true$/i.test(line.trim()));
  }

  /** HEAD's tree, read once (one `ls-tree`) for everyone who asks. */
  headTree(): Promise<HeadTree> {
    return (this.headTreeRead ??= this.readHeadTree());
  }

  private async readHeadTree(): Promise<HeadTree> {
    const commitId = this.headCommitId;
    if (!commitId) return { commitId: '', submodulePaths: [], ignoreFiles: [] };
    const submodulePaths: string[] = [];
    const ignoreFiles: { path: string; blobId: string }[] = [];
    for await (const records of this.treeRecords(commitId)) {
      for (const record of records) {
        // Most entries are neither a submodule (mode 160000) nor an ignore file: looked at before parsing,
        // which a tree of 100,000 files would otherwise spend tens of milliseconds on.
        if (!record.startsWith('160000 ') && !record.endsWith(SPRAWLIGNORE)) continue;
        const { type, id, path: entryPath } = treeEntryOf(record);
        if (type === 'blob' && id && path.posix.basename(entryPath) === SPRAWLIGNORE) ignoreFiles.push({ path: entryPath, blobId: id });
        else if (type === 'commit') submodulePaths.push(entryPath);
      }
    }
    return { commitId, submodulePaths, ignoreFiles };
  }

  /**
   * Which of these blobs are in HEAD's tree, each asked at the paths it was committed under (a blob is in
   * a tree only at a path some commit put it at): one `cat-file --batch-check` for all of them. The paths
   * are those of the commits scanned, so with `--branch` or `--range` a path that only commits outside
   * them gave the blob is not asked; `blobsInHeadTree` answers for those.
   */
  async blobsAtHead(places: readonly { blobId: string; path: string }[]): Promise<Set<string>> {
    const { commitId } = await this.headTree();
    const atHead = new Set<string>();
    if (!commitId || places.length === 0) return atHead;
    const distinct = [...new Map(places.map((place) => [`${place.blobId}\0${place.path}`, { ...place, commitId }])).values()];
    const found = await this.blobIdsAt(distinct);
    distinct.forEach((place, index) => {
      if (found[index] === place.blobId) atHead.add(place.blobId);
    });
    return atHead;
  }

  /**
   * What each commit's tree has at each path (an object id, or '' for nothing): one `cat-file
   * --batch-check` for all of them (the protocol is a line per question, so a path with a newline in it
   * is asked on its own).
   */
  async blobIdsAt(places: readonly { commitId: string; path: string }[]): Promise<string[]> {
    const found = places.map(() => '');
    const asked = places.flatMap((place, index) => (place.path.includes('\n') ? [] : [{ place, index }]));
    if (asked.length > 0) {
      const answers = (await this.runWithInput(['cat-file', '--batch-check=%(objectname)'], asked.map(({ place }) => `${place.commitId}:${place.path}\n`).join(''))).split('\n');
      asked.forEach(({ index }, at) => {
        const answer = answers[at] ?? '';
        found[index] = /^[0-9a-f]+$/.test(answer) ? answer : ''; // else `<name> missing`
      });
    }
    for (const [index, place] of places.entries()) {
      if (place.path.includes('\n')) found[index] = (await this.spawned(['rev-parse', '--verify', '--quiet', `${place.commitId}:${place.path}`]).catch(() => '')).trim();
    }
    return found;
  }

  /**
   * Every ref (branches, remote-tracking branches, tags, `stash`), by its full name and its short one,
   * with the object it points at (peeled, for an annotated tag). Symbolic refs (`origin/HEAD`) are left
   * out: they name another ref. Refnames hold no tab.
   */
  async refs(): Promise<GitRef[]> {
    // Spawned, not through simple-git: a scan that asks git nothing else one-shot does not load it (50 ms).
    const fields = ['refname', 'refname:short', 'symref', 'objectname', 'objecttype', 'committerdate:iso-strict', '*objectname', '*objecttype', '*committerdate:iso-strict'];
    const output = await this.spawned(['for-each-ref', `--format=${fields.map((field) => `%(${field})`).join('%09')}`]);
    return output
      .split('\n')
      .filter(Boolean)
      .flatMap((line): GitRef[] => {
        const [name = '', shortName = '', symref = '', id = '', type = '', date = '', peeledId = '', peeledType = '', peeledDate = ''] = line.split('\t');
        if (symref) return [];
        const tip = type === 'commit' ? { commitId: id, date } : peeledType === 'commit' ? { commitId: peeledId, date: peeledDate } : undefined;
        return [{ name, shortName, objectId: peeledId || id, ...(tip ? { tip } : {}) }];
      });
  }

  /**
   * The commits these revisions name (a tag peeled as far as it goes), with their committer dates; a
   * revision that names no commit (a tag of a tree) is left out. One `cat-file` and one `show`.
   */
  async commitsOf(revisions: readonly string[]): Promise<Map<string, { id: string; date: string }>> {
    const found = new Map<string, { id: string; date: string }>();
    if (revisions.length === 0) return found;
    const ids = (await this.runWithInput(['cat-file', '--batch-check=%(objectname)'], revisions.map((revision) => `${revision}^{commit}\n`).join(''))).split('\n');
    const commitIds = [...new Set(ids.slice(0, revisions.length).filter((id) => /^[0-9a-f]+$/.test(id)))];
    if (commitIds.length === 0) return found;
    const dates = new Map(
      (await this.spawned(['show', '-s', '--no-walk=unsorted', '--format=%H%x09%cI', ...commitIds]))
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('\t') as [string, string]),
    );
    revisions.forEach((revision, index) => {
      const id = ids[index] ?? '';
      const date = dates.get(id);
      if (date) found.set(revision, { id, date });
    });
    return found;
  }

  /** Whether a rebase is in progress: git keeps its state in `rebase-merge` or `rebase-apply` in the git dir meanwhile. */
  isRebasing(): boolean {
    return existsSync(path.join(this.gitDir, 'rebase-merge')) || existsSync(path.join(this.gitDir, 'rebase-apply'));
  }

  /** The commits a merge in progress brings in: every line of MERGE_HEAD (an octopus merge has several). */
  async mergeHeads(): Promise<string[]> {
    const file = path.resolve(this.root, (await this.spawned(['rev-parse', '--git-path', 'MERGE_HEAD'])).trim());
    try {
      return readFileSync(file, 'utf8').split('\n').map((line) => line.trim()).filter((line) => /^[0-9a-f]{40,64}$/.test(line));
    } catch {
      return [];
    }
  }

  /** Of these commits, those no other of them has in its history (`merge-base --independent`). */
  async independentOf(commitIds: readonly string[]): Promise<Set<string>> {
    if (commitIds.length < 2) return new Set(commitIds);
    return new Set((await this.spawned(['merge-base', '--independent', ...commitIds])).split('\n').filter(Boolean));
  }

  /** Whether `ancestor` is in the history of `descendant` (a commit is in its own). */
  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    // Told by the exit code alone (0 yes, 1 no), which simple-git does not pass on.
    const { child, stderr, exited } = this.spawnGit(['merge-base', '--is-ancestor', ancestor, descendant]);
    child.stdin.end();
    const code = await exited;
    if (code !== 0 && code !== 1) throw gitError(this.root, new Error(stderr() || `git merge-base exited ${code}`));
    return code === 0;
  }

  /**
   * Which of these blobs are anywhere in HEAD's tree, whatever their path: HEAD's tree read again as a
   * stream, stopping once all are found, keeping nothing but the answers. For a scan narrowed to some
   * commits, whose paths need not be the paths at HEAD (a file renamed after a `--range`).
   */
  async blobsInHeadTree(blobIds: ReadonlySet<string>): Promise<Set<string>> {
    const { commitId } = await this.headTree();
    const found = new Set<string>();
    if (!commitId || blobIds.size === 0) return found;
    search: for await (const records of this.treeRecords(commitId)) {
      for (const record of records) {
        const { id } = treeEntryOf(record);
        if (blobIds.has(id)) found.add(id);
        if (found.size === blobIds.size) break search;
      }
    }
    return found;
  }

  /** Every entry of a commit's whole tree, as a stream: `<mode> <type> <id>\t<path>`, NUL-terminated so that any path survives. */
  private treeRecords(commitId: string): AsyncIterable<string[]> {
    return this.records(['ls-tree', '-r', '-z', '--full-tree', commitId]);
  }

  /** Runs a read-only git command without simple-git (see `gitOutput`), for the answers that come after a scan. */
  private spawned(args: readonly string[]): Promise<string> {
    return gitOutput(this.root, args).catch((error: unknown) => {
      throw gitError(this.root, error);
    });
  }

  /** Runs a read-only git command and returns its output. */
  async run(args: readonly string[]): Promise<string> {
    try {
      return await (this.git ??= gitClient(this.root)).raw([...args]);
    } catch (error) {
      throw gitError(this.root, error);
    }
  }

  /**
   * Runs a read-only git command and yields its output lines as git writes them, each chunk's whole lines
   * at once, so that work on the first lines starts while git is still listing (`rev-list` of a large
   * history takes a while). Leaving the loop early stops git. In batches, not a line at a time: each step
   * of an async iteration costs a few microseconds, which over the 6,000 lines of a 2,000-commit listing
   * and its log took the main thread 30-50 ms while the worker threads were starting.
   */
  lines(args: readonly string[]): AsyncIterable<string[]> {
    return this.output(args, NEWLINE);
  }

  /** As `lines`, for output whose records end in a NUL byte (`-z`), so that a path with a newline survives. */
  records(args: readonly string[]): AsyncIterable<string[]> {
    return this.output(args, NUL);
  }

  private async *output(args: readonly string[], terminator: number): AsyncIterable<string[]> {
    const { child, stderr, exited } = this.spawnGit(args);
    child.stdin.end();
    // A failure to start is reported by `exited`, not as an unhandled rejection meanwhile.
    exited.catch(() => undefined);
    let finished = false;
    try {
      yield* terminatedRecords(child.stdout, terminator);
      const code = await exited;
      finished = true;
      if (code !== 0) throw gitError(this.root, new Error(stderr() || `git ${args[0]} exited ${code}`));
    } finally {
      if (!finished) child.kill();
    }
  }

  /**
   * Runs a read-only git command whose output goes straight into the open file `fd` (this process never
   * holds it); resolves when git is done, rejects with git's complaint. `stop` ends git early.
   */
  writeOutput(args: readonly string[], fd: number): { done: Promise<void>; stop: () => void } {
    const child = spawn('git', [...args], { cwd: this.root, stdio: ['ignore', fd, 'pipe'], env: gitEnvironment() });
    let stderr = '';
    child.stderr?.on('data', (data: Buffer) => {
      stderr += data.toString();
    });
    const done = new Promise<void>((resolve, reject) => {
      child.on('error', (error) => reject(gitError(this.root, error)));
      child.on('close', (code) => (code === 0 || child.killed ? resolve() : reject(gitError(this.root, new Error(stderr || `git ${args[0]} exited ${code}`)))));
    });
    return { done, stop: () => child.kill() };
  }

  /** Starts git in the repository, collecting what it says on stderr; `exited` settles with its exit code. */
  private spawnGit(args: readonly string[]) {
    const child = spawn('git', [...args], { cwd: this.root, stdio: ['pipe', 'pipe', 'pipe'], env: gitEnvironment() });
    let stderr = '';
    child.stderr.on('data', (data: Buffer) => {
      stderr += data.toString();
    });
    const exited = new Promise<number | null>((resolve, reject) => {
      child.on('error', (error) => reject(gitError(this.root, error)));
      child.on('close', (code) => resolve(code));
    });
    return { child, stderr: () => stderr, exited };
  }

  /** Runs a read-only git command with text on its standard input (`cat-file --batch-check`). */
  runWithInput(args: readonly string[], input: string): Promise<string> {
    const command = this.startWithInput(args);
    command.write(input);
    return command.finish();
  }

  /**
   * Starts a read-only git command whose input is written a piece at a time while it is still being
   * made (the ids of blobs as `rev-list` lists them); `finish` ends the input and resolves with all of
   * the output, or rejects with git's complaint.
   */
  startWithInput(args: readonly string[]): { write: (text: string) => void; finish: () => Promise<string> } {
    const { child, stderr, exited } = this.spawnGit(args);
    const output: Buffer[] = [];
    child.stdout.on('data', (data: Buffer) => output.push(data));
    child.stdin.on('error', () => {
      // git exited early; its exit code reports it.
    });
    // A failure to start is reported by `finish`, not as an unhandled rejection meanwhile.
    exited.catch(() => undefined);
    return {
      write: (text) => {
        if (text.length > 0) child.stdin.write(text);
      },
      finish: async () => {
        child.stdin.end();
        const code = await exited;
        if (code !== 0) throw gitError(this.root, new Error(stderr() || `git ${args[0]} exited ${code}`));
        return Buffer.concat(output).toString('utf8');
      },
    };
  }

  /**
   * Reads blobs by id through one `git cat-file --batch` process, in the order given, yielding each
   * blob's bytes. Ids that are missing (a corrupt or shallow repository) are yielded with `bytes: null`.
   */
  async *readBlobs(ids: readonly string[]): AsyncIterable<{ id: string; bytes: Buffer | null }> {
    if (ids.length === 0) return;
    const session = new CatFileSession(this.root, { keepsProcessAlive: true });
    session.request(ids);
    try {
      for (const id of ids) {
        const whole = new WholeObject();
        try {
          await session.read(1, whole);
        } catch (error) {
          throw new UserError('git-error', `${this.root}: ${(error as Error).message}`);
        }
        yield { id, bytes: whole.bytes };
      }
    } finally {
      await session.closeAndWait();
    }
  }
}

const NEWLINE = 0x0a;
const NUL = 0x00;

/**
 * Runs a read-only git command in `cwd`, with this process's environment, and returns its output; rejects
 * with what git said on stderr, or with the error of a git that could not start (`ENOENT`), for `gitError`
 * to word. Unlike simple-git, it passes on every `GIT_*` variable: in a hook, `GIT_INDEX_FILE` is the
 * index being committed (`git commit -a` and `git commit PATH` use a temporary one).
 */
export function gitOutput(cwd: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: gitEnvironment() });
    const output: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => output.push(data));
    child.stderr.on('data', (data: Buffer) => {
      stderr += data.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(output).toString('utf8')) : reject(new Error(stderr || `git ${args[0]} exited ${code}`))));
  });
}

/** The records of a file whose records each end in a NUL byte (git's `-z` output written to it), as `records` yields them. */
export function recordsOfFile(file: string): AsyncIterable<string[]> {
  return terminatedRecords(createReadStream(file), NUL);
}

/**
 * The records of a stream whose records each end in `terminator` (a newline or a NUL byte), as text: the
 * whole records of each chunk together, cut by one native `split` (a loop of `indexOf` and `toString` per
 * record was hot enough for V8 to optimise it on the main thread, 40 ms of compiling per history scan).
 * A line's carriage return, if git wrote one, is not part of it.
 */
async function* terminatedRecords(stream: Readable, terminator: number): AsyncIterable<string[]> {
  const separator = String.fromCharCode(terminator);
  let rest: Buffer = Buffer.alloc(0);
  const recordsOf = (text: string) => {
    const records = text.split(separator);
    return terminator === NEWLINE && text.includes('\r') ? records.map((record) => record.replace(/\r$/, '')) : records;
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const data = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
    // Up to the last terminator only: the bytes after it may end inside a character.
    const last = data.lastIndexOf(terminator);
    if (last < 0) {
      rest = data;
      continue;
    }
    rest = data.subarray(last + 1);
    yield recordsOf(data.toString('utf8', 0, last));
  }
  if (rest.length > 0) yield recordsOf(rest.toString('utf8'));
}

/** Gathers one object's bytes (null when the repository lacks it). */
class WholeObject implements ObjectReader {
  private pieces: Buffer[] = [];
  bytes: Buffer | null = null;

  begin(): void {
    // The size is that of the pieces that follow.
  }

  piece(bytes: Buffer): void {
    // A piece is valid only during the call: keep a copy.
    this.pieces.push(Buffer.from(bytes));
  }

  end(): void {
    this.bytes = Buffer.concat(this.pieces);
  }

  missing(): void {
    this.bytes = null;
  }
}

export function gitError(where: string, error: unknown): UserError {
  const message = error instanceof Error ? error.message : String(error);
  if ((error as NodeJS.ErrnoException).code === 'ENOENT' || /spawn git ENOENT/.test(message)) {
    return new UserError('git-error', 'git: command not found (sprawl needs git on the PATH to read repositories)');
  }
  // simple-git puts stdout before stderr in the message: git's own complaint is the fatal:/error: line.
  const lines = message.split('\n').filter((line) => line.trim() !== '');
  const firstLine = lines.find((line) => /^(fatal|error):/.test(line)) ?? lines[0] ?? message;
  if (/not a git repository/i.test(message)) return new UserError('git-error', `${where}: not a git repository`);
  return new UserError('git-error', `${where}: git failed: ${firstLine.replace(/^(fatal|error):\s*/, '').trim()}`);
}

/** One record of `ls-tree -z`: `<mode> <type> <id>\t<path>`. */
function treeEntryOf(record: string): { type: string; id: string; path: string } {
  const tab = record.indexOf('\t');
  const [, type = '', id = ''] = record.slice(0, tab).split(' ');
  return { type, id, path: record.slice(tab + 1) };
}
