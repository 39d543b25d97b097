/**
 * Gitignore-syntax path patterns, as sprawl matches its own paths with them: ignore files, `--exclude`,
 * the config's `paths.exclude` and baseline scopes, all through the `ignore` package. Case-sensitive, as
 * git matches them on Linux (`core.ignorecase` is false there): `secrets.env` does not leave out
 * `Secrets.ENV`, which git tracks. (The package's default is to ignore case; on a file system that
 * ignores case too, matching case only scans more, never less.)
 */
import ignore, { type Ignore } from 'ignore';

export function pathPatterns(patterns: string | readonly string[] = []): Ignore {
  return ignore({ ignorecase: false }).add(patterns);
}
