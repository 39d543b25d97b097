/**
 * Real git repositories for tests, made with the real `git` binary in a temp dir. Dates are fixed per
 * commit so exposure assertions are exact.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

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

  write(relativePath: string, content: string): this {
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
