/**
 * Ignore files against git itself: real repositories in temp dirs, every file holding the same generated
 * token, so the occurrences of `sprawl scan` name exactly the files it read. What it reads must be what
 * git would track: the untracked files `git ls-files --others --exclude-standard` lists.
 */
import { describe, expect, it } from 'vitest';
import { fakeMaker } from '../support/fakes.js';
import { GitScanEnv, trackedEnvs } from '../support/git-repo.js';
import { scanJson } from '../support/scan-env.js';

const repo = trackedEnvs(() => new GitScanEnv('sprawl-ignore-files-'));
const token = fakeMaker('ignore-files').fake('github.pat.classic');
const IGNORE_FILE = /(^|\/)\.(gitignore|sprawlignore)$/;

/** A repository holding these ignore files, and the token in each of these files. */
function repoWith(ignoreFiles: Record<string, string>, files: readonly string[]): GitScanEnv {
  const env = repo();
  for (const [file, text] of Object.entries(ignoreFiles)) env.write(file, text);
  for (const file of files) env.write(file, `GITHUB_TOKEN=${token}\n`);
  return env;
}

/** The files git would track, relative to `folder` (git as on Linux: case matters). */
function gitTracks(env: GitScanEnv, folder = ''): string[] {
  const listed = env.git('-c', 'core.ignorecase=false', '-C', folder || '.', 'ls-files', '--others', '--exclude-standard', '-z');
  return listed.split('\0').filter((file) => file !== '' && !IGNORE_FILE.test(file)).sort();
}

/** The files `sprawl scan` read, as it reports them. */
function sprawlReads(args: readonly string[], cwd?: string): string[] {
  const { report } = scanJson(args, cwd ? { cwd } : {});
  return report.findings.flatMap((finding) => finding.occurrences.map((occurrence) => occurrence.path)).sort();
}

describe('ignore files, as git reads them', () => {
  it('match case-sensitively: `secrets.env` does not leave out `Secrets.ENV`, which git tracks', () => {
    const env = repoWith({ '.gitignore': 'secrets.env\n*.LOG\n', 'sub/.gitignore': 'Build/\n' }, ['secrets.env', 'Secrets.ENV', 'app.log', 'APP.LOG', 'sub/build/a.env', 'sub/Build/a.env']);
    expect(gitTracks(env)).toEqual(['Secrets.ENV', 'app.log', 'sub/build/a.env']);
    expect(sprawlReads([env.root])).toEqual(['Secrets.ENV', 'app.log', 'sub/build/a.env']);
  });
});
