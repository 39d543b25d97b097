/**
 * `sprawl install-hook` end to end: the hook it writes guards real `git commit`s in temp repositories.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fakeMaker } from '../support/fakes.js';
import { GitScanEnv, ISOLATED_GIT_ENV, trackedEnvs } from '../support/git-repo.js';
import { runCli, ScanEnv } from '../support/scan-env.js';

const plainDir = trackedEnvs(() => new ScanEnv('sprawl-not-a-repo-'));
const repo = trackedEnvs(() => new GitScanEnv('sprawl-hook-'));

describe('sprawl install-hook', () => {
  const fakes = fakeMaker('install-hook');

  it('writes an executable pre-commit hook that blocks a commit with a secret and lets a clean one through', () => {
    const env = repo();
    const installed = runCli(['install-hook'], { cwd: env.root });
    expect(installed.exitCode).toBe(0);
    const hookPath = env.path('.git/hooks/pre-commit');
    expect(installed.stdout).toBe(`sprawl: installed a pre-commit hook at ${hookPath}\n`);
    expect(statSync(hookPath).mode & 0o111).toBe(0o111);
    expect(readFileSync(hookPath, 'utf8')).toMatch(/^#!\/bin\/sh\n/);

    // The first commit (no HEAD yet) is guarded too.
    const token = fakes.fake('github.pat.classic');
    env.write('config/app.env', `# settings\nGITHUB_TOKEN=${token}\n`);
    env.git('add', '.');
    const blocked = env.run('commit', '-m', 'add settings');
    expect(blocked.exitCode).not.toBe(0);
    expect(blocked.stderr).toContain('sprawl: 1 secret in the staged changes; the commit is blocked:\n  config/app.env:2:14  github.pat.classic (critical)\n');
    expect(blocked.stderr).toContain('`sprawl:allow`');
    expect(blocked.stdout + blocked.stderr).not.toContain(token);
    expect(env.commitCount()).toBe(0);

    env.write('config/app.env', '# settings\nGITHUB_TOKEN=${GITHUB_TOKEN}\n');
    env.git('add', '.');
    const clean = env.run('commit', '-m', 'add settings');
    expect(clean.exitCode).toBe(0);
    expect(env.commitCount()).toBe(1);
  });

  it('runs sprawl without the extra CA certificates Node would otherwise load at every commit', () => {
    const env = repo();
    expect(runCli(['install-hook'], { cwd: env.root }).exitCode).toBe(0);
    env.write('notes.md', 'nothing secret\n');
    env.git('add', '.');
    // Node warns on stderr when NODE_EXTRA_CA_CERTS names no file: proof that it read the variable at start.
    const hook = spawnSync(env.path('.git/hooks/pre-commit'), [], { cwd: env.root, env: { ...ISOLATED_GIT_ENV, NODE_EXTRA_CA_CERTS: env.path('no-such-bundle.pem') }, encoding: 'utf8' });
    expect(hook.status).toBe(0);
    expect(hook.stderr).not.toContain('extra certs');
    const plain = spawnSync(process.execPath, ['-e', '0'], { env: { ...ISOLATED_GIT_ENV, NODE_EXTRA_CA_CERTS: env.path('no-such-bundle.pem') }, encoding: 'utf8' });
    expect(plain.stderr).toContain('extra certs');
  });

  it('lets an allowed false positive through, and guards `git commit -a` (a temporary index)', () => {
    const env = repo();
    expect(runCli(['install-hook'], { cwd: env.root }).exitCode).toBe(0);
    env.write('test/fixture.ts', `export const fixture = '${fakes.fake('github.pat.classic')}'; // sprawl:allow test fixture\n`);
    env.git('add', '.');
    expect(env.run('commit', '-m', 'fixture').exitCode).toBe(0);
    expect(env.commitCount()).toBe(1);

    env.write('deploy.sh', 'echo deploy\n');
    env.git('add', '.');
    env.git('commit', '-q', '-m', 'deploy');
    env.write('deploy.sh', `echo deploy\ncurl -H "Authorization: token ${fakes.fake('github.pat.classic')}" https://api.github.com/\n`);
    const blocked = env.run('commit', '-a', '-m', 'auth');
    expect(blocked.exitCode).not.toBe(0);
    expect(blocked.stderr).toContain('  deploy.sh:2:31  github.pat.classic (critical)\n');
    expect(env.commitCount()).toBe(2);

    // `git commit PATH` commits only PATH (through another temporary index): the staged secret in
    // deploy.sh is not part of it, so the commit goes through.
    env.git('add', 'deploy.sh');
    env.write('notes.md', 'release notes\n');
    env.git('add', 'notes.md');
    const partial = env.run('commit', '-m', 'notes', '--', 'notes.md');
    expect(partial.exitCode).toBe(0);
    expect(env.commitCount()).toBe(3);
    expect(env.run('commit', '-m', 'the rest').exitCode).not.toBe(0);
  });

  it('refuses to replace an existing hook without --force (exit 2, one line), and replaces it with --force', () => {
    const env = repo();
    const hookPath = env.write('.git/hooks/pre-commit', '#!/bin/sh\necho my own hook\n');
    const refused = runCli(['install-hook'], { cwd: env.root });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toBe(
      `sprawl: ${hookPath}: a pre-commit hook already exists; rerun with --force to replace it, or call \`sprawl staged\` from it (docs/pre-commit.md)\n`,
    );
    expect(readFileSync(hookPath, 'utf8')).toBe('#!/bin/sh\necho my own hook\n');

    const forced = runCli(['install-hook', '--force'], { cwd: env.root });
    expect(forced.exitCode).toBe(0);
    expect(forced.stdout).toBe(`sprawl: replaced the pre-commit hook at ${hookPath}\n`);
    expect(readFileSync(hookPath, 'utf8')).toContain('exec "$node_bin" "$sprawl_cli" staged; fi');
    // Installing again is refused too: the hook is there now.
    expect(runCli(['install-hook'], { cwd: env.root }).exitCode).toBe(2);
  });

  it('follows core.hooksPath and writes --fail-on into the hook', () => {
    const env = repo();
    env.git('config', 'core.hooksPath', '.githooks');
    const installed = runCli(['install-hook', env.root, '--fail-on', 'high'], { cwd: env.path() });
    expect(installed.exitCode).toBe(0);
    const hookPath = env.path('.githooks/pre-commit');
    expect(installed.stdout).toBe(`sprawl: installed a pre-commit hook at ${hookPath}\n`);
    expect(readFileSync(hookPath, 'utf8')).toContain('staged --fail-on high');

    env.write('app.env', `GITHUB_TOKEN=${fakes.fake('github.pat.classic')}\n`);
    env.git('add', 'app.env');
    const blocked = env.run('commit', '-m', 'token');
    expect(blocked.exitCode).not.toBe(0);
    expect(blocked.stderr).toContain('  app.env:1:14  github.pat.classic (critical)\n');
    expect(env.commitCount()).toBe(0);
  });

  it('exits 2 with one line outside a repository', () => {
    const env = plainDir();
    const result = runCli(['install-hook'], { cwd: env.root });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(`sprawl: ${env.root}: not a git repository\n`);
  });
});
