/**
 * `--exclude` globs, read in `ignore`'s gitignore syntax anchored at the scan root: `*.log` leaves out the
 * root folder's logs, `**\/*.log` every log, `vendor/**` everything under `vendor`. The working tree and
 * the staged changes apply them the same way.
 */
import type { Ignore } from 'ignore';
import { pathPatterns } from './path-patterns.js';

export function excludeMatcher(globs: readonly string[]): Ignore | undefined {
  if (globs.length === 0) return undefined;
  return pathPatterns(globs.map((glob) => (glob.startsWith('/') ? glob : `/${glob.replace(/^\.\//, '')}`)).join('\n'));
}
