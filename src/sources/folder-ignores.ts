/**
 * Ignore files (gitignore syntax) by the folder they sit in, each applying to the paths below it, as git
 * applies nested `.gitignore` files. The working-tree walk adds each folder's files as it lists the folder;
 * the staged changes (from the index) and the history (from HEAD's tree) add the `.sprawlignore` files they
 * read from git.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import type { Ignore } from 'ignore';
import { pathPatterns } from './path-patterns.js';

export const SPRAWLIGNORE = '.sprawlignore';

/**
 * An ignore file larger than this is not applied: it ignores nothing, so the scan reads more, never
 * less (a part of it could cut a pattern, or a negation, in two). Real ones are a few KiB; the cap only
 * keeps an endless file (a link to /dev/zero) or a huge one from taking the memory.
 */
export const MAX_IGNORE_FILE_BYTES = 1024 * 1024;

/**
 * An ignore file's text, or undefined when there is none to apply: missing, unreadable, not a regular
 * file, or larger than MAX_IGNORE_FILE_BYTES. git does not follow a `.gitignore` that is a symbolic link
 * ("too many levels of symbolic links") and then ignores nothing by it; `followLink` is for
 * `.git/info/exclude`, which git does follow (to a regular file only here: a device never ends).
 */
export function readIgnoreFile(file: string | Buffer, { followLink = false } = {}): string | undefined {
  let fd: number;
  try {
    // O_NOFOLLOW refuses a link at the last step (ELOOP); it is not there on Windows, where the walk's own entry types refuse links.
    fd = openSync(file, constants.O_RDONLY | (followLink ? 0 : (constants.O_NOFOLLOW ?? 0)));
  } catch {
    return undefined;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile() || stats.size > MAX_IGNORE_FILE_BYTES) return undefined;
    // The size measured, not to an end that a file still growing would keep moving.
    const bytes = Buffer.alloc(Math.min(stats.size, MAX_IGNORE_FILE_BYTES));
    let length = 0;
    while (length < bytes.length) {
      const read = readSync(fd, bytes, length, bytes.length - length, null);
      if (read === 0) break;
      length += read;
    }
    return bytes.toString('utf8', 0, length);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

export class FolderIgnores {
  private readonly byFolder = new Map<string, Ignore>();

  /** Adds rules for the paths below `folder` (relative to the top, '' or '.' for the top itself). */
  add(folder: string, text: string): this {
    const key = folder === '.' ? '' : folder;
    const patterns = subfoldersOnly(text);
    const rules = this.byFolder.get(key);
    if (rules) rules.add(patterns);
    else this.byFolder.set(key, pathPatterns(patterns));
    return this;
  }

  /**
   * Whether git would leave a path out (relative to the top, with `/`): the path is ignored, or a folder
   * on the way is, and nothing below an ignored folder can be brought back. For paths listed flat (the
   * index, HEAD's tree); the walk, which never enters an ignored folder, asks `isIgnoredInKeptFolder`.
   */
  isIgnored(relativePath: string, isDirectory = false): boolean {
    if (this.byFolder.size === 0) return false;
    for (let slash = relativePath.indexOf('/'); slash !== -1; slash = relativePath.indexOf('/', slash + 1)) {
      if (this.isIgnoredInKeptFolder(relativePath.slice(0, slash), true)) return true;
    }
    return this.isIgnoredInKeptFolder(relativePath, isDirectory);
  }

  /**
   * Whether a path whose folders are all kept is left out. As in git, the deepest folder whose rules say
   * anything about the path decides, whether they ignore it or bring it back: `!keep.env` in `sub/`
   * keeps `sub/keep.env` although `*.env` at the top ignores it.
   */
  isIgnoredInKeptFolder(relativePath: string, isDirectory = false): boolean {
    if (this.byFolder.size === 0) return false;
    const subject = isDirectory ? `${relativePath}/` : relativePath;
    for (let folder = path.posix.dirname(relativePath); ; folder = path.posix.dirname(folder)) {
      const key = folder === '.' ? '' : folder;
      const rules = this.byFolder.get(key);
      const verdict = rules && verdictOf(rules, key === '' ? subject : subject.slice(key.length + 1));
      if (verdict !== undefined) return verdict === 'ignored';
      if (key === '') return false;
    }
  }
}

/**
 * `dir/**\/` ignores, in git, the folders below `dir` but not `dir` itself, whose own files stay tracked;
 * `ignore` lets the trailing `**\/` match no folder at all, and so leaves out `dir` and every file in it.
 * Such a pattern (a negation too) is read as `dir/**\/*\/`, which matches the same folders as git does
 * and not `dir`. Trailing blanks after it are dropped by the package either way.
 */
function subfoldersOnly(text: string): string {
  return text.replace(/\/\*\*\/(?=[ \t]*\r?$)/gm, '/**/*/');
}

/**
 * What one folder's rules say about a path below it, whose folders are kept. `ignore` also calls a path
 * ignored when these rules ignore a folder on its way; such a folder is kept all the same when a deeper
 * ignore file brought it back (`!generated/` in `pkg/` under a `**\/generated/` at the top), and then
 * that answer is no verdict on the path: the folders above decide. (Should a pattern here match the path
 * itself too, git would leave it out and sprawl scans it: the side that misses nothing.)
 */
function verdictOf(rules: Ignore, subject: string): 'ignored' | 'unignored' | undefined {
  const { ignored, unignored } = rules.test(subject);
  if (unignored) return 'unignored';
  if (!ignored) return undefined;
  for (let slash = subject.indexOf('/'); slash !== -1 && slash < subject.length - 1; slash = subject.indexOf('/', slash + 1)) {
    if (rules.test(subject.slice(0, slash + 1)).ignored) return undefined;
  }
  return 'ignored';
}
