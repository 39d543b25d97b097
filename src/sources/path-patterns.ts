/**
 * Gitignore-syntax path patterns, as sprawl matches its own paths with them: ignore files, `--exclude`,
 * the config's `paths.exclude` and baseline scopes, all through the `ignore` package. Case-sensitive, as
 * git matches them on Linux (`core.ignorecase` is false there): `secrets.env` does not leave out
 * `Secrets.ENV`, which git tracks. (The package's default is to ignore case; on a file system that
 * ignores case too, matching case only scans more, never less.)
 */
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';

export function pathPatterns(patterns: string | readonly string[] = []): Ignore {
  return ignore({ ignorecase: false }).add(patterns);
}

/**
 * Whether patterns match a path as a report names it. Most paths are relative to the scan root, but a log
 * outside it keeps its absolute path (`sprawl logs /var/log/app.log`) and standard input is named by
 * whatever `--stdin-name` says (`./api.log`, `../x.log`, nothing), and `ignore` throws at any path that
 * is not plain and relative. Such a path is matched as it reads without its leading `/`, `./` or `../`:
 * `/var/log/app.log` as `var/log/app.log`, so that `**\/*.log` still reaches it. An empty name matches
 * nothing.
 */
export function matchesReportedPath(patterns: Ignore, reportedPath: string): boolean {
  const plain = path.posix.normalize(reportedPath).replace(/^(?:\/|\.\.\/)+/, '');
  return plain !== '.' && plain !== '..' && plain !== '' && patterns.ignores(plain);
}
