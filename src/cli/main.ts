/**
 * Parses argv into a command and runs it; the only place that prints errors and chooses exit codes.
 * User errors (UserError, bad flags) are one line and exit 2; anything else is a bug in sprawl: one line
 * and exit 3, with the stack only under `--debug` (or SPRAWL_DEBUG=1).
 */
import { availableParallelism } from 'node:os';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { isUserError } from '../user-error.js';
import { enableDebugLog } from './debug-log.js';
import type { BaselineCommandOptions, IgnoreCommandOptions } from './commands/baseline.js';
import type { GitCommandOptions } from './commands/git.js';
import type { ScanCommandOptions } from './scan-pipeline.js';
import { EXIT } from './exit-codes.js';
import { toolVersion } from './version.js';

export async function main(argv: readonly string[]): Promise<number> {
  const debug = argv.includes('--debug') || process.env.SPRAWL_DEBUG === '1';
  if (debug) enableDebugLog();
  // Worker threads and relative paths both need the current folder; one removed under the shell is the
  // user's to fix, not a crash.
  try {
    process.cwd();
  } catch {
    process.stderr.write('sprawl: the current folder no longer exists (cd to one that does)\n');
    return EXIT.userError;
  }
  let exitCode: number = EXIT.clean;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    await closeEarlyPool();
    return exitCode;
  } catch (error) {
    await closeEarlyPool();
    if (error instanceof CommanderError) {
      // Commander has already printed its one-line message (or the help text).
      return error.exitCode === 0 ? EXIT.clean : EXIT.userError;
    }
    if (isUserError(error)) {
      process.stderr.write(`sprawl: ${error.message}\n`);
      if (debug && error.cause) process.stderr.write(`${String((error.cause as Error).stack ?? error.cause)}\n`);
      return EXIT.userError;
    }
    if (isBrokenInstall(error)) {
      process.stderr.write(`sprawl: internal error: the installation is incomplete (${describeChain(error)}); reinstall (npm ci) and run again\n`);
      return EXIT.internalError;
    }
    process.stderr.write(`sprawl: internal error: ${describeChain(error)}; this is a bug in sprawl; rerun with --debug for the stack\n`);
    if (debug) process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    return EXIT.internalError;
  }
}

/**
 * Starts the worker threads while the command's modules, configuration and rules load (see
 * `startWorkerPool`); for the commands that scan through the pool.
 */
async function startEarlyPool(threads: number | undefined): Promise<void> {
  earlyPoolStarted = true;
  (await import('../engine/worker-pool.js')).startWorkerPool(threads);
}

let earlyPoolStarted = false;

/** A pool started early that no scan took (the command failed first) must not keep the process alive. */
async function closeEarlyPool(): Promise<void> {
  // Commands that never started one (`staged`, a pre-commit hook) do not load the pool's code for this.
  if (earlyPoolStarted) await (await import('../engine/worker-pool.js')).closeStartedPool();
}

// Each command's module is imported when it runs: a pre-commit hook pays for `staged` alone.
function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('sprawl')
    .description('Find standing privilege: durable credentials and the paths that recreate them.')
    .version(toolVersion())
    .option('--debug', 'show stack traces for internal errors')
    .exitOverride()
    // Usage errors read as sprawl's own do: one line, `sprawl: ` and what is wrong (commander's own say `error: `).
    .configureOutput({ outputError: (message, write) => write(`sprawl: ${message.trim().replace(/^error: /, '')} (run sprawl --help for usage)\n`) })
    .addHelpText(
      'after',
      '\nExit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage or input error, 3 internal error.',
    );

  addScanOptions(
    program
      .command('scan')
      .description('scan a directory or file (default: the current directory); - reads standard input')
      .argument('[path]', 'directory or file to scan, or - for standard input', '.')
      .option('--stdin-name <name>', 'the name standard input is reported under', 'stdin'),
  ).action(async (scanPath: string, options: ScanCommandOptions & { stdinName?: string }) => {
    // Standard input is scanned in this thread.
    if (scanPath !== '-') await startEarlyPool(options.threads);
    setExitCode(await (await import('./commands/scan.js')).runScan(scanPath, options));
  });

  addScanOptions(
    program
      .command('staged')
      .description('scan what the next commit would record: the staged (index) version of each staged file')
      .argument('[path]', 'a folder inside the repository', '.'),
  ).action(async (repositoryPath: string, options: ScanCommandOptions) => setExitCode(await (await import('./commands/staged.js')).runStaged(repositoryPath, options)));

  program
    .command('install-hook')
    .description('install a git pre-commit hook that runs `sprawl staged` (follows core.hooksPath)')
    .argument('[path]', 'a folder inside the repository', '.')
    .option('--force', 'replace an existing pre-commit hook')
    .addOption(new Option('--fail-on <severity>', 'block commits on findings at or above this severity (default: as `sprawl staged`)').choices(['low', 'medium', 'high', 'critical']))
    .action(async (repositoryPath: string, options: { force?: boolean; failOn?: string }) => setExitCode(await (await import('./commands/install-hook.js')).runInstallHook(repositoryPath, options)));

  addScanOptions(
    program
      .command('logs')
      .description('scan log files and folders, rotated and gzip-compressed ones included; - reads standard input')
      .argument('<paths...>', 'log files or folders, or - for standard input')
      .option('--stdin-name <name>', 'the name standard input is reported under', 'stdin'),
  ).action(async (paths: string[], options: ScanCommandOptions & { stdinName?: string }) => {
    if (!paths.includes('-')) await startEarlyPool(options.threads);
    setExitCode(await (await import('./commands/logs.js')).runLogs(paths, options));
  });

  addScanOptions(
    program
      .command('git')
      .description('scan git history: every blob reachable from any ref, each once, with the commits that added and removed each secret')
      .argument('[repo]', 'repository (work tree or bare)', '.')
      .option('--range <A..B>', 'only what the commits in this range added, and their messages (pull requests)')
      .option('--branch <name>', "only this branch's history")
      .option('--all', 'every ref: branches, tags, stash (the default)')
      .option('--since <date>', 'only commits after this date')
      .option('--until <date>', 'only commits before this date'),
  ).action(async (repositoryPath: string, options: GitCommandOptions) => {
    // Git starts listing the history before the worker threads start: the listing is the longest wait at
    // the start of a history scan, and the threads would only wait for its first blobs.
    const { runGit } = await import('./commands/git.js');
    const [, code] = await Promise.all([startEarlyPool(options.threads).then(() => undefined), runGit(repositoryPath, options)]);
    setExitCode(code);
  });

  const baseline = program.command('baseline').description('accept what exists today; report only what is new');
  addScanOptions(
    baseline
      .command('create')
      .description('scan PATH and write every finding to a baseline (keeps reasons of entries it already had)')
      .argument('[path]', 'directory or file to scan, or - for standard input', '.')
      .option('--stdin-name <name>', 'the name standard input is reported under', 'stdin')
      .option('--git', 'baseline the git history of PATH instead of its working tree'),
  ).action(async (scanPath: string, options: BaselineCommandOptions) => setExitCode(await (await import('./commands/baseline.js')).runBaselineCreate(scanPath, options)));
  addScanOptions(
    baseline
      .command('prune')
      .description('drop baseline entries whose secret is no longer found in PATH')
      .argument('[path]', 'directory or file to scan, or - for standard input', '.')
      .option('--stdin-name <name>', 'the name standard input is reported under', 'stdin')
      .option('--git', 'check against the git history of PATH instead of its working tree'),
  ).action(async (scanPath: string, options: BaselineCommandOptions) => setExitCode(await (await import('./commands/baseline.js')).runBaselinePrune(scanPath, options)));
  addScanOptions(
    baseline
      .command('import')
      .description("bring gitleaks' .gitleaksignore or TOML allowlist, or detect-secrets' .secrets.baseline, into the baseline")
      .argument('<file>', '.gitleaksignore, gitleaks .toml or .secrets.baseline')
      .argument('[path]', 'the tree those files describe', '.')
      .option('--git', 'match against the git history of PATH instead of its working tree'),
  ).action(async (importFile: string, scanPath: string, options: BaselineCommandOptions) => setExitCode(await (await import('./commands/baseline.js')).runBaselineImport(importFile, scanPath, options)));
  program
    .command('ignore')
    .description('accept one finding by its fingerprint, at any path, in the baseline file')
    .argument('<fingerprint>', 'a sprawl/v1:… fingerprint from a report')
    .requiredOption('--reason <text>', 'why it is accepted (kept in the baseline)')
    .option('--expires <date>', 'YYYY-MM-DD after which it is reported again')
    .option('--by <name>', 'who accepted it')
    .option('-b, --baseline <file>', 'the baseline file', '.sprawl-baseline.json')
    .action(async (fingerprint: string, options: IgnoreCommandOptions) => setExitCode((await import('./commands/baseline.js')).runIgnore(fingerprint, options)));

  const rules = program.command('rules').description('list or check detection rules');
  rules
    .command('list')
    .description('print the rule catalogue')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .option('-r, --rules <path...>', 'also load rules from these files or directories')
    .option('--no-builtin-rules', 'list only the rules given with --rules')
    .action(async (options) => setExitCode((await import('./commands/rules.js')).runRulesList(options)));
  rules
    .command('check')
    .description('validate rule files and run their examples (default: the built-in rules)')
    .argument('[files...]', 'rule files or directories')
    .action(async (files: string[]) => setExitCode((await import('./commands/rules.js')).runRulesCheck(files)));

  return program;
}

/** The options every scanning command shares: output, thresholds, rules, ignores, redaction. */
export function addScanOptions(command: Command): Command {
  return command
    .addOption(new Option('-f, --format <format>', 'output format (default: text, or from the --output extension)').choices(['text', 'json', 'sarif']))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--fail-on <severity>', 'exit 1 on findings at or above this severity (default: the config\'s fail_on, else low)').choices(['low', 'medium', 'high', 'critical', 'none']))
    .option('-c, --config <file>', 'use this config file instead of the .sprawl.yml at the scan root')
    .option('-d, --decode <levels>', 'look inside base64, percent, hex and \\u-escaped text, this many levels deep (default: 2 for logs and stdin, else 0)', parseDepth)
    .option('--archive-depth <levels>', 'unpack zip, jar and tar archives (nested ones too) this many levels deep and scan their files; 0 counts them as binary (default: 3)', parseDepth)
    .option('-j, --threads <n>', `worker threads (default: available cores; at most ${maxThreads()})`, parseThreadCount)
    .option('-e, --exclude <glob...>', 'leave out paths matching these globs (relative to the scan root)')
    .option('-r, --rules <path...>', 'also load rules from these files or directories')
    .option('--no-builtin-rules', 'use only the rules given with --rules')
    .option('--no-ignore', 'do not honour .gitignore, .sprawlignore or sprawl:allow comments (audit mode)')
    .option('-b, --baseline <file>', 'report only what this baseline does not accept (see sprawl baseline create)')
    .option('--report-unused', 'with --baseline: list baseline entries that matched nothing')
    .option('--show-secrets', 'print raw secret values (redacted by default)')
    .option('--color', 'force coloured text output')
    .option('--no-color', 'never colour text output');
}

function parseDepth(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 4) throw new InvalidArgumentError('expected 0 to 4 levels.');
  return number;
}

/**
 * Each thread holds its own compiled rules and buffers (about 20 MB) and competes for the same cores: past
 * a few per core, more only cost memory, and thousands exhaust it. Four per core, and at least 16.
 */
function maxThreads(): number {
  return Math.max(16, 4 * availableParallelism());
}

function parseThreadCount(value: string): number {
  const count = parsePositiveInt(value);
  if (count > maxThreads()) throw new InvalidArgumentError(`at most ${maxThreads()} (four per core here).`);
  return count;
}

function parsePositiveInt(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('expected a positive whole number.');
  return number;
}

function describeChain(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error; current && parts.length < 5; current = (current as Error).cause) {
    // The first line of each: the rest (Node's "Require stack:") is for --debug.
    parts.push((current instanceof Error ? current.message : String(current)).split('\n')[0]!);
  }
  return parts.join(': ');
}

/** A module that did not install (a native addon whose build failed): in this thread or in a scanning thread. */
function isBrokenInstall(error: unknown): boolean {
  for (let current: unknown = error; current; current = (current as Error).cause) {
    if ((current as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' || /Cannot find module/.test(String((current as Error).message))) return true;
  }
  return false;
}
