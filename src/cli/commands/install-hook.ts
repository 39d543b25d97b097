/**
 * `sprawl install-hook [path]`: writes a plain git pre-commit hook that runs `sprawl staged`. The hook goes
 * where git looks for hooks (`git rev-parse --git-path hooks`, which follows `core.hooksPath`), and an
 * existing hook is never replaced without `--force`: it may be another tool's (husky, lefthook,
 * pre-commit), and docs/pre-commit.md shows how to call sprawl from those instead.
 *
 * The hook runs the sprawl that installed it (this node binary and this CLI file, by absolute path); if
 * that install is gone it falls back to a `sprawl` on the PATH, then to `npx --no-install sprawl`.
 */
import { chmodSync, lstatSync, mkdirSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GitRepository } from '../../sources/git.js';
import { UserError } from '../../user-error.js';
import { EXIT } from '../exit-codes.js';

export interface InstallHookOptions {
  force?: boolean;
  /** Written into the hook only when given, so that the project's own default applies otherwise. */
  failOn?: string;
}

/** Marks hooks written by sprawl, so that the message after `--force` can say what was replaced. */
const MARKER = '# sprawl pre-commit hook';

export async function runInstallHook(directory: string, options: InstallHookOptions): Promise<number> {
  const repository = await GitRepository.open(path.resolve(directory)); // errors name the folder in full
  if (repository.isBare) throw new UserError('git-error', `${repository.root}: a bare repository has no commits to guard (no work tree)`);
  const hooksDir = path.resolve(repository.root, (await repository.run(['rev-parse', '--git-path', 'hooks'])).trim());
  const hookPath = path.join(hooksDir, 'pre-commit');
  const existed = exists(hookPath);
  if (existed && !options.force) {
    throw new UserError('usage', `${hookPath}: a pre-commit hook already exists; rerun with --force to replace it, or call \`sprawl staged\` from it (docs/pre-commit.md)`);
  }
  try {
    mkdirSync(hooksDir, { recursive: true });
    const temporary = `${hookPath}.sprawl-${process.pid}.tmp`;
    writeFileSync(temporary, hookScript(options.failOn), { mode: 0o755 });
    chmodSync(temporary, 0o755);
    renameSync(temporary, hookPath);
  } catch (error) {
    throw new UserError('output-not-writable', `${hookPath}: cannot write the hook (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  process.stdout.write(`sprawl: ${existed ? 'replaced the pre-commit hook' : 'installed a pre-commit hook'} at ${hookPath}\n`);
  return EXIT.clean;
}

function exists(file: string): boolean {
  try {
    lstatSync(file); // a dangling symbolic link is a hook someone set up, too
    return true;
  } catch {
    return false;
  }
}

/** The hook: POSIX sh, as git runs hooks (Git for Windows brings its own sh). */
export function hookScript(failOn: string | undefined): string {
  const cli = runningCli();
  const args = failOn ? `staged --fail-on ${failOn}` : 'staged';
  return [
    '#!/bin/sh',
    `${MARKER} (written by \`sprawl install-hook\`): blocks a commit whose staged changes hold a secret.`,
    '# A false positive: add a `sprawl:allow` comment on its line. Skip the check once: git commit --no-verify.',
    // sprawl opens no network connection, but Node 20 parses the CA bundle this names at every start, before
    // any of sprawl runs: 50 ms of each commit on a machine whose bundle is the system's 140 certificates.
    '# sprawl opens no network connection: skip the extra CA certificates Node would load at start.',
    'unset NODE_EXTRA_CA_CERTS',
    `node_bin=${shellQuote(process.execPath)}`,
    `sprawl_cli=${shellQuote(cli)}`,
    'if [ -f "$sprawl_cli" ]; then',
    `  if [ -x "$node_bin" ]; then exec "$node_bin" "$sprawl_cli" ${args}; fi`,
    `  if command -v node >/dev/null 2>&1; then exec node "$sprawl_cli" ${args}; fi`,
    'fi',
    `if command -v sprawl >/dev/null 2>&1; then exec sprawl ${args}; fi`,
    `exec npx --no-install sprawl ${args}`,
    '',
  ].join('\n');
}

/** The absolute path of the CLI file that is running (`dist/bundle/cli.js` of this install). */
function runningCli(): string {
  const entry = path.resolve(process.argv[1]!);
  try {
    return realpathSync(entry);
  } catch {
    return path.resolve(entry);
  }
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
