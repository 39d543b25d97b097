/**
 * Ignore files against git itself: real repositories in temp dirs, every file holding the same generated
 * token, so the occurrences of `sprawl scan` name exactly the files it read. What it reads must be what
 * git would track: the untracked files `git ls-files --others --exclude-standard` lists.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeMaker } from '../support/fakes.js';
import { GitScanEnv, ISOLATED_GIT_ENV, trackedEnvs } from '../support/git-repo.js';
import { CLI_PATH, runCli, ScanEnv, scanJson } from '../support/scan-env.js';

const repo = trackedEnvs(() => new GitScanEnv('sprawl-ignore-files-'));
const elsewhere = trackedEnvs(() => new ScanEnv('sprawl-ignore-files-links-'));
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

describe('`dir/**/` ignores the folders below dir, not dir itself, as git reads it', () => {
  // `keep/` then `!pkg/**/`: a negation rewritten the same way still brings back the folders below pkg.
  const ignoreFiles = { '.gitignore': 'config/**/\nkeep/\n!pkg/**/\n' };
  const files = ['config/prod.env', 'config/cache/tmp.txt', 'config/cache/deep/x.txt', 'pkg/a.txt', 'pkg/keep/b.txt', 'pkg/x/keep/c.txt', 'keep/d.txt'];
  const expected = ['config/prod.env', 'pkg/a.txt', 'pkg/keep/b.txt', 'pkg/x/keep/c.txt'];

  it('in the working tree', () => {
    const env = repoWith(ignoreFiles, files);
    expect(gitTracks(env)).toEqual(expected);
    expect(sprawlReads([env.root])).toEqual(expected);
  });

  it('in .sprawlignore files, read from the index (staged) and HEAD (git history)', () => {
    const env = repoWith({ '.sprawlignore': ignoreFiles['.gitignore'] }, files);
    expect(gitTracks(env, { ignoreFileName: '.sprawlignore' })).toEqual(expected);
    env.git('add', '-A');
    expect(commandReads(env, 'staged')).toEqual(expected);
    env.git('commit', '-q', '--no-verify', '-m', 'everything');
    expect(commandReads(env, 'git')).toEqual(expected);
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

describe('a scan of a folder inside a repository honours the ignore files above it, as git does', () => {
  const ignoreFiles = {
    '.gitignore': '*.env\n!keep.env\n/a/b/src/anchored.txt\nbuild/\n',
    'a/.gitignore': '*.log\nb/src/generated/\n',
    'a/b/.gitignore': '!debug.log\n',
    'a/b/src/sub/.gitignore': '!*.env\n',
    'build/.gitignore': '*.tmp\n',
    'nested/.gitignore': '*.txt\n',
  };
  const files = [
    'a/b/src/config.txt', 'a/b/src/local.env', 'a/b/src/keep.env', 'a/b/src/app.log', 'a/b/src/debug.log', 'a/b/src/anchored.txt',
    'a/b/src/generated/api.txt', 'a/b/src/generated/api.env', 'a/b/src/scratch/notes.txt', 'a/b/src/sub/inner.env', 'build/out.env', 'build/out.tmp', 'nested/app.env', 'nested/notes.txt',
  ];
  const inRepository = () => {
    const env = repoWith(ignoreFiles, files);
    // The clone's own list, at the top; its patterns apply at any depth as a .gitignore's do.
    env.write('.git/info/exclude', 'scratch/\n');
    return env;
  };

  it('sprawl scan a/b/src, or . from there, reads what git tracks there', () => {
    const env = inRepository();
    const expected = ['config.txt', 'debug.log', 'keep.env', 'sub/inner.env'];
    expect(gitTracks(env, { folder: 'a/b/src' })).toEqual(expected);
    expect(sprawlReads([env.path('a/b/src')])).toEqual(expected);
    expect(sprawlReads(['.'], env.path('a/b/src'))).toEqual(expected);
    expect(sprawlReads(['src'], env.path('a/b'))).toEqual(expected);
  });

  it('--no-ignore sets them aside with the rest', () => {
    const env = inRepository();
    expect(sprawlReads([env.path('a/b/src'), '--no-ignore'])).toEqual(
      ['anchored.txt', 'app.log', 'config.txt', 'debug.log', 'generated/api.env', 'generated/api.txt', 'keep.env', 'local.env', 'scratch/notes.txt', 'sub/inner.env'],
    );
  });

  it('a repository inside it (a folder holding its own .git) has only its own ignore files', () => {
    const env = inRepository();
    env.git('init', '-q', 'nested');
    expect(gitTracks(env, { folder: 'nested' })).toEqual(['app.env']);
    expect(sprawlReads([env.path('nested')])).toEqual(['app.env']);
  });

  it('a repository inside the one scanned is read by its own ignore files and .git/info/exclude only, as its own git reads it', () => {
    const env = inRepository();
    env.git('init', '-q', 'nested');
    env.write('nested/.git/info/exclude', 'drop.env\n');
    // The outer `*.env` and `scratch/` (its info/exclude) would hide these; the inner repository tracks them.
    for (const file of ['nested/scratch/x.env', 'nested/drop.env']) env.write(file, `GITHUB_TOKEN=${token}\n# ${file}\n`);
    const inner = gitTracks(env, { folder: 'nested' });
    expect(inner).toEqual(['app.env', 'scratch/x.env']);
    // The outer git lists the inner repository as one entry, `nested/`.
    const outer = gitTracks(env).filter((file) => !file.endsWith('/'));
    expect(sprawlReads([env.root])).toEqual([...outer, ...inner.map((file) => `nested/${file}`)].sort());
  });

  it('a linked worktree inside it (.git a file) takes .git/info/exclude from the main clone, as git does', () => {
    const env = inRepository();
    env.git('commit', '-q', '--allow-empty', '--no-verify', '-m', 'init');
    env.git('worktree', 'add', '-q', 'wt');
    for (const file of ['wt/notes.txt', 'wt/scratch/a.txt']) env.write(file, `GITHUB_TOKEN=${token}\n# ${file}\n`);
    expect(gitTracks(env, { folder: 'wt' })).toEqual(['notes.txt']);
    expect(sprawlReads([env.path('wt')])).toEqual(['notes.txt']);
    expect(sprawlReads([env.root]).filter((file) => file.startsWith('wt/'))).toEqual(['wt/notes.txt']);
  });

  it('a root that is a symbolic link into the repository has the ignore files above its real path, as in git run there', () => {
    const env = inRepository();
    const link = elsewhere().path('src');
    symlinkSync(env.path('a/b/src'), link);
    expect(gitTracks(env, { folder: link })).toEqual(['config.txt', 'debug.log', 'keep.env', 'sub/inner.env']);
    expect(sprawlReads([link])).toEqual(['config.txt', 'debug.log', 'keep.env', 'sub/inner.env']);
    expect(sprawlReads(['src'], path.dirname(link))).toEqual(['config.txt', 'debug.log', 'keep.env', 'sub/inner.env']);
  });

  it('a folder git ignores, named for the scan, is scanned all the same, by its own ignore files only', () => {
    const env = inRepository();
    expect(gitTracks(env, { folder: 'build' })).toEqual([]);
    expect(sprawlReads([env.path('build')])).toEqual(['out.env']);
    // Not by the top's `*.env` either, though it is not what ignores the folder.
    expect(gitTracks(env, { folder: 'a/b/src/generated' })).toEqual([]);
    expect(sprawlReads([env.path('a/b/src/generated')])).toEqual(['api.env', 'api.txt']);
  });
});

describe('ignore files that are not regular files', () => {
  /** `sprawl scan` under a memory and time limit: an ignore file read without end fails the test, not the machine. */
  function cappedScan(cwd: string): { exitCode: number | null; paths: string[] } {
    const result = spawnSync('sh', ['-c', 'ulimit -v 6000000; exec "$0" "$@"', process.execPath, CLI_PATH, 'scan', '.', '--format', 'json'], {
      cwd, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
    });
    return { exitCode: result.status, paths: result.status === 1 ? pathsIn(JSON.parse(result.stdout) as Report) : [] };
  }

  it('a .gitignore or .sprawlignore that is a symbolic link is not followed, as git does not (in the walk and above the root)', () => {
    const env = repoWith({ 'shared-ignore': '*.env\n' }, ['prod.env', 'sub/app.env', 'sub/deeper/x.env']);
    symlinkSync('shared-ignore', env.path('.gitignore'));
    symlinkSync('../shared-ignore', env.path('sub/.sprawlignore'));
    expect(gitTracks(env).filter((file) => file.endsWith('.env'))).toEqual(['prod.env', 'sub/app.env', 'sub/deeper/x.env']);
    expect(sprawlReads([env.root])).toEqual(['prod.env', 'sub/app.env', 'sub/deeper/x.env']);
    expect(sprawlReads([env.path('sub/deeper')])).toEqual(['x.env']);
    expect(gitTracks(env, { ignoreFileName: '.sprawlignore' }).filter((file) => file.endsWith('.env'))).toEqual(['prod.env', 'sub/app.env', 'sub/deeper/x.env']);
  });

  it('.git/info/exclude that is a link to a regular file is followed, as git follows it', () => {
    const env = repoWith({ 'shared-exclude': '*.env\n' }, ['prod.env', 'notes.txt']);
    rmSync(env.path('.git/info/exclude'));
    symlinkSync(env.path('shared-exclude'), env.path('.git/info/exclude'));
    expect(gitTracks(env)).toEqual(['notes.txt', 'shared-exclude']);
    expect(sprawlReads([env.root])).toEqual(['notes.txt']);
  });

  it.runIf(process.platform === 'linux')('an ignore file that is a link to /dev/zero ignores nothing, and the scan ends (it ate the memory until it aborted)', () => {
    for (const ignoreFile of ['.gitignore', '.sprawlignore', 'sub/.gitignore', '.git/info/exclude']) {
      const env = repoWith({}, ['prod.env', 'sub/app.env']);
      rmSync(env.path(ignoreFile), { force: true });
      symlinkSync('/dev/zero', env.path(ignoreFile));
      expect({ ignoreFile, ...cappedScan(env.root) }).toEqual({ ignoreFile, exitCode: 1, paths: ['prod.env', 'sub/app.env'] });
      if (ignoreFile === '.sprawlignore') {
        // staged reads the working copy's .sprawlignore where the index holds none.
        env.git('add', 'prod.env');
        expect(commandReads(env, 'staged')).toEqual(['prod.env']);
      }
    }
  });

  it('an ignore file larger than 1 MiB is not applied: it ignores nothing, so nothing is missed', () => {
    const env = repoWith({ '.gitignore': `*.env\n${'# filler\n'.repeat(150_000)}` }, ['prod.env', 'notes.txt']);
    expect(gitTracks(env)).toEqual(['notes.txt']);
    expect(sprawlReads([env.root])).toEqual(['notes.txt', 'prod.env']);
  });
});
