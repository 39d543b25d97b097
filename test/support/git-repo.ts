/**
 * Real git repositories for tests, made with the real `git` binary in a temp dir. Dates are fixed per
 * commit so exposure assertions are exact.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll } from 'vitest';
import { ScanEnv } from './scan-env.js';

export class GitRepo {
  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true });
    this.git('init', '-q', '-b', 'main');
    this.git('config', 'user.email', 'dev@example.test');
    this.git('config', 'user.name', 'Dev');
    this.git('config', 'commit.gpgsign', 'false');
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.root, encoding: 'utf8', env: { ...process.env, ...this.dateEnv } });
  }

  private dateEnv: Record<string, string> = {};

  write(relativePath: string, content: string | Uint8Array): this {
    const absolute = path.join(this.root, relativePath);
    mkdirSync(path.dirname(absolute), { recursive: true });
    writeFileSync(absolute, content);
    return this;
  }

  remove(relativePath: string): this {
    rmSync(path.join(this.root, relativePath));
    return this;
  }

  /** Stages everything and commits with the given ISO date as author and committer date; returns the id. */
  commit(message: string, isoDate: string, author = 'Dev'): string {
    this.dateEnv = { GIT_AUTHOR_DATE: isoDate, GIT_COMMITTER_DATE: isoDate, GIT_AUTHOR_NAME: author };
    this.git('add', '-A');
    this.git('commit', '-q', '--allow-empty', '-m', message);
    this.dateEnv = {};
    return this.head();
  }

  head(): string {
    return this.git('rev-parse', 'HEAD').trim();
  }
}

/** git isolated from the machine's configuration, with a fixed author: what a hook or CI would see. */
export const ISOLATED_GIT_ENV = {
  PATH: process.env.PATH ?? '',
  NO_COLOR: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
};

/** A temp dir that is a fresh repository, for tests of `staged` and of installed hooks. */
export class GitScanEnv extends ScanEnv {
  constructor(prefix = 'sprawl-git-env-') {
    super(prefix);
    this.git('init', '-q', '-b', 'main');
  }

  /** Runs git; returns the result whatever the exit code. */
  run(...args: string[]) {
    const result = spawnSync('git', args, { cwd: this.root, env: ISOLATED_GIT_ENV, encoding: 'utf8' });
    return { exitCode: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  }

  git(...args: string[]): string {
    const result = this.run(...args);
    if (result.exitCode !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  }

  /** Writes a file and stages it. */
  stage(relativePath: string, content: string | Buffer): void {
    this.write(relativePath, content);
    this.git('add', '--', relativePath);
  }

  commitCount(): number {
    const result = this.run('rev-list', '--count', 'HEAD');
    return result.exitCode === 0 ? Number(result.stdout.trim()) : 0;
  }
}

/** Makes environments on demand and removes them all after the file's tests. */
export function trackedEnvs<T extends ScanEnv>(make: () => T): () => T {
  const made: T[] = [];
  afterAll(() => {
    for (const env of made) env.cleanup();
  });
  return () => {
    const env = make();
    made.push(env);
    return env;
  };
}
