/**
 * Ignore files (gitignore syntax) by the folder they sit in, each applying to the paths below it, as git
 * applies nested `.gitignore` files. The working-tree walk adds each folder's files as it lists the folder;
 * the staged changes (from the index) and the history (from HEAD's tree) add the `.sprawlignore` files they
 * read from git.
 */
import path from 'node:path';
import type { Ignore } from 'ignore';
import { pathPatterns } from './path-patterns.js';

export const SPRAWLIGNORE = '.sprawlignore';

export class FolderIgnores {
  private readonly byFolder = new Map<string, Ignore>();

  /** Adds rules for the paths below `folder` (relative to the top, '' or '.' for the top itself). */
  add(folder: string, text: string): this {
    const key = folder === '.' ? '' : folder;
    const rules = this.byFolder.get(key);
    if (rules) rules.add(text);
    else this.byFolder.set(key, pathPatterns(text));
    return this;
  }

  /** Whether a path (relative to the top, with `/`) is left out by the rules of any folder above it. */
  isIgnored(relativePath: string, isDirectory = false): boolean {
    if (this.byFolder.size === 0) return false;
    const subject = isDirectory ? `${relativePath}/` : relativePath;
    for (let folder = path.posix.dirname(relativePath); ; folder = path.posix.dirname(folder)) {
      const key = folder === '.' ? '' : folder;
      const rules = this.byFolder.get(key);
      if (rules?.ignores(key === '' ? subject : subject.slice(key.length + 1))) return true;
      if (key === '') return false;
    }
  }
}
