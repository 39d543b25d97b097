/**
 * `.sprawlignore` files (gitignore syntax), each applying to the paths below its folder, for the sources
 * that read them from git instead of walking folders: the staged changes (read from the index) and the
 * history (read from HEAD's tree). The working-tree walk reads them as it enters each folder.
 */
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';

export const SPRAWLIGNORE = '.sprawlignore';

export class SprawlIgnores {
  private readonly byFolder = new Map<string, Ignore>();

  /** Adds the rules of the `.sprawlignore` in `folder` (relative to the repository's top, '' for the top itself). */
  add(folder: string, text: string): this {
    this.byFolder.set(folder === '.' ? '' : folder, ignore().add(text));
    return this;
  }

  /** Whether a path (relative to the repository's top, with `/`) is left out by the file of any folder above it. */
  isIgnored(relativePath: string): boolean {
    if (this.byFolder.size === 0) return false;
    for (let folder = path.posix.dirname(relativePath); ; folder = path.posix.dirname(folder)) {
      const key = folder === '.' ? '' : folder;
      const rules = this.byFolder.get(key);
      if (rules?.ignores(key === '' ? relativePath : relativePath.slice(key.length + 1))) return true;
      if (key === '') return false;
    }
  }
}
