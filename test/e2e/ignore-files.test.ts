/**
 * Ignore files against git itself: real repositories in temp dirs, every file holding the same generated
 * token, so the occurrences of `sprawl scan` name exactly the files it read. What it reads must be what
 * git would track: the untracked files `git ls-files --others --exclude-standard` lists.
 */
import { describe, expect, it } from 'vitest';
import { fakeMaker } from '../support/fakes.js';
import { GitScanEnv, ISOLATED_GIT_ENV, trackedEnvs } from '../support/git-repo.js';
import { runCli, scanJson } from '../support/scan-env.js';

const repo = trackedEnvs(() => new GitScanEnv('sprawl-ignore-files-'));
const token = fakeMaker('ignore-files').fake('github.pat.classic');
const IGNORE_FILE = /(^|\/)\.(gitignore|sprawlignore)$/;

/** A repository holding these ignore files, and the token in each of these files (each file's content its own, so that git stores each apart). */
function repoWith(ignoreFiles: Record<string, string>, files: readonly string[]): GitScanEnv {
  const env = repo();
  for (const [file, text] of Object.entries(ignoreFiles)) env.write(file, text);
  for (const file of files) env.write(file, `GITHUB_TOKEN=${token}\n# ${file}\n`);
  return env;
}

/**
 * The files git would track, relative to `folder`, with the repository's `.gitignore` files and
 * `.git/info/exclude`, or with the ignore files of another name (git as on Linux: case matters).
 */
function gitTracks(env: GitScanEnv, { folder = '.', ignoreFileName }: { folder?: string; ignoreFileName?: string } = {}): string[] {
  const rules = ignoreFileName ? [`--exclude-per-directory=${ignoreFileName}`] : ['--exclude-standard'];
  const listed = env.git('-c', 'core.ignorecase=false', '-C', folder, 'ls-files', '--others', ...rules, '-z');
  return listed.split('\0').filter((file) => file !== '' && !IGNORE_FILE.test(file)).sort();
}

type Report = ReturnType<typeof scanJson>['report'];
const pathsIn = (report: Report) => report.findings.flatMap((finding) => finding.occurrences.map((occurrence) => occurrence.path)).sort();

/** The files `sprawl scan` read, as it reports them. */
function sprawlReads(args: readonly string[], cwd?: string): string[] {
  return pathsIn(scanJson(args, cwd ? { cwd } : {}).report);
}

/** The files another command of sprawl (`staged`, `git`) read, run in the repository. */
function commandReads(env: GitScanEnv, command: string): string[] {
  const result = runCli([command, '--format', 'json'], { cwd: env.root, env: ISOLATED_GIT_ENV });
  if (result.exitCode > 1) throw new Error(`sprawl ${command} failed (${result.exitCode}): ${result.stderr}`);
  return pathsIn(JSON.parse(result.stdout) as Report);
}

describe('ignore files, as git reads them', () => {
  it('match case-sensitively: `secrets.env` does not leave out `Secrets.ENV`, which git tracks', () => {
    const env = repoWith({ '.gitignore': 'secrets.env\n*.LOG\n', 'sub/.gitignore': 'Build/\n' }, ['secrets.env', 'Secrets.ENV', 'app.log', 'APP.LOG', 'sub/build/a.env', 'sub/Build/a.env']);
    expect(gitTracks(env)).toEqual(['Secrets.ENV', 'app.log', 'sub/build/a.env']);
    expect(sprawlReads([env.root])).toEqual(['Secrets.ENV', 'app.log', 'sub/build/a.env']);
  });
});

describe('nested ignore files: the deepest folder whose rules say anything about a path decides', () => {
  const ignoreFiles = {
    '.gitignore': '*.env\n**/generated/\nbuild/\nlogs/\n!logs/keep.txt\n',
    // Brings back what the top ignores; a deeper folder ignores it again.
    'sub/.gitignore': '!keep.env\n',
    'sub/deeper/.gitignore': 'keep.env\n',
    // Brings back a folder the top ignores.
    'pkg/.gitignore': '!generated/\n',
    // Nothing below an ignored folder comes back, from a pattern above it or an ignore file inside it.
    'build/.gitignore': '!*\n',
  };
  const files = [
    'app.env', 'sub/keep.env', 'sub/drop.env', 'sub/deeper/keep.env', 'sub/other/keep.env',
    'pkg/generated/api.txt', 'other/generated/api.txt', 'build/out.txt', 'logs/keep.txt', 'logs/a.txt',
  ];

  it('in the working tree, as git tracks them', () => {
    const env = repoWith(ignoreFiles, files);
    expect(gitTracks(env)).toEqual(['pkg/generated/api.txt', 'sub/keep.env', 'sub/other/keep.env']);
    expect(sprawlReads([env.root])).toEqual(gitTracks(env));
  });

  it('in .sprawlignore files, read from the working tree, the index (staged) and HEAD (git history)', () => {
    const sprawlignores = Object.fromEntries(Object.entries(ignoreFiles).map(([file, text]) => [file.replace('.gitignore', '.sprawlignore'), text]));
    const env = repoWith(sprawlignores, files);
    const expected = gitTracks(env, { ignoreFileName: '.sprawlignore' });
    expect(expected).toEqual(['pkg/generated/api.txt', 'sub/keep.env', 'sub/other/keep.env']);
    expect(sprawlReads([env.root])).toEqual(expected);
    env.git('add', '-A');
    expect(commandReads(env, 'staged')).toEqual(expected);
    env.git('commit', '-q', '--no-verify', '-m', 'everything');
    expect(commandReads(env, 'git')).toEqual(expected);
  });
});
