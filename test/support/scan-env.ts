/**
 * A temp directory to scan, plus a way to run the built CLI on it with a scrubbed environment (knip's
 * exec helper): tests assert on the real binary's exit code, stdout and stderr.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI_PATH = fileURLToPath(new URL('../../dist/bundle/cli.js', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export class ScanEnv {
  readonly root: string;

  constructor(prefix = 'sprawl-test-') {
    this.root = mkdtempSync(path.join(tmpdir(), prefix));
  }

  /** Writes a file below the root, creating folders; returns its absolute path. */
  write(relativePath: string, content: string | Buffer): string {
    const absolute = path.join(this.root, relativePath);
    mkdirSync(path.dirname(absolute), { recursive: true });
    writeFileSync(absolute, content);
    return absolute;
  }

  path(relativePath = ''): string {
    return path.join(this.root, relativePath);
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

export function runCli(args: readonly string[], options: { cwd?: string; env?: Record<string, string>; input?: string | Buffer } = {}): CliResult {
  const result = spawnSync(process.execPath, [CLI_PATH, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    ...(options.input !== undefined ? { input: options.input } : {}),
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...options.env },
    maxBuffer: 64 * 1024 * 1024,
  });
  // A process killed by a signal (a native crash) has no status: -1, with the signal named in stderr.
  return { exitCode: result.status ?? -1, stdout: result.stdout, stderr: result.signal ? `${result.stderr}[killed by ${result.signal}]` : result.stderr };
}

/** Runs a scan with `--format json` and parses the report. */
export function scanJson(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const result = runCli(['scan', ...args, '--format', 'json'], options);
  if (result.exitCode > 1 || result.exitCode < 0) throw new Error(`scan failed (${result.exitCode}): ${result.stderr}`);
  return { ...result, report: JSON.parse(result.stdout) as JsonReport };
}

export interface JsonReport {
  summary: { findings: number; suppressed: number; occurrences: number; filesScanned: number; skipped: Record<string, number> };
  findings: {
    fingerprint: string;
    ruleId: string;
    severity: string;
    lifetime: string;
    lifetimeEvidence: string;
    secret: string;
    suppressed: boolean;
    sprawlCount: number;
    validation: { status: string };
    attributes: Record<string, string>;
    occurrences: { path: string; entry?: string; line: number; column: number; endLine: number; endColumn: number; snippet: string; allowed?: { reason: string }; alreadyCommitted?: { ref: string; path: string } }[];
  }[];
  skipped: { path: string; reason: string; detail?: string; count?: number }[];
}
