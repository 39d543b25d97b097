/**
 * The GitHub Action (action.yml): its inputs and outputs hang together, and its scan step, run here as
 * the runner would run it, scans what a pull request or a push adds, or the whole history, and records
 * the report and the exit code for the upload and the final check.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fakeMaker } from '../support/fakes.js';
import { GitRepo } from '../support/git-repo.js';
import { CLI_PATH, REPO_ROOT, ScanEnv } from '../support/scan-env.js';

const env = new ScanEnv('sprawl-action-');
afterAll(() => env.cleanup());
const fakes = fakeMaker('action');
const actionText = readFileSync(path.join(REPO_ROOT, 'action.yml'), 'utf8');
const action = parse(actionText);
const SCRIPT = path.join(REPO_ROOT, 'scripts', 'action-scan.sh');

describe('action.yml', () => {
  it('is a composite action whose every input and step output it uses is declared and written', () => {
    expect(action.runs.using).toBe('composite');
    const used = new Set([...actionText.matchAll(/inputs\.([\w-]+)/g)].map((match) => match[1]));
    expect([...used].sort()).toEqual(Object.keys(action.inputs).sort());
    const scan = action.runs.steps.find((step: { id?: string }) => step.id === 'scan');
    expect(scan.run).toContain('scripts/action-scan.sh');
    expect(statSync(SCRIPT).mode & 0o111).not.toBe(0);
    const script = readFileSync(SCRIPT, 'utf8');
    for (const [, output] of actionText.matchAll(/steps\.scan\.outputs\.([\w-]+)/g)) expect(script).toContain(`${output}=`);
    const variables = new Set([...script.matchAll(/\$\{?(SPRAWL_[A-Z_]+)/g)].map((match) => match[1]));
    expect([...variables].sort()).toEqual(Object.keys(scan.env).sort());
  });
});

describe('the scan step', () => {
  const repo = new GitRepo(env.path('repo'));
  const inBase = fakes.fake('github.pat.classic');
  const inPullRequest = fakes.fake('github.pat.classic');
  repo.write('README.md', '# app\n').commit('start', '2024-01-01T00:00:00Z');
  repo.write('old.env', `TOKEN=${inBase}\n`).commit('an old secret', '2024-01-02T00:00:00Z');
  const base = repo.head();
  repo.write('new.env', `TOKEN=${inPullRequest}\n`).commit('the pull request', '2024-01-03T00:00:00Z');
  const head = repo.head();

  function runStep(variables: Record<string, string>) {
    const runnerTemp = env.path(`runner-${Math.random().toString(36).slice(2)}`);
    const outputFile = path.join(runnerTemp, 'output');
    spawnSync('mkdir', ['-p', runnerTemp]);
    const result = spawnSync('bash', [SCRIPT], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', RUNNER_TEMP: runnerTemp, GITHUB_OUTPUT: outputFile, SPRAWL_CLI: CLI_PATH, SPRAWL_PATH: repo.root, SPRAWL_FAIL_ON: 'high', ...variables },
    });
    const outputs = Object.fromEntries(readFileSync(outputFile, 'utf8').trim().split('\n').map((line) => line.split('=') as [string, string]));
    const sarif = outputs['sarif-file'] && existsSync(outputs['sarif-file']) ? JSON.parse(readFileSync(outputs['sarif-file'], 'utf8')) : undefined;
    const paths = (sarif?.runs[0].results ?? []).map((result: any) => result.locations[0].physicalLocation.artifactLocation.uri).sort();
    return { status: result.status, stderr: result.stderr, outputs, paths };
  }

  it('on a pull request: only what it adds, reported and failing the check after the upload', () => {
    const { status, outputs, paths, stderr } = runStep({ SPRAWL_EVENT: 'pull_request', SPRAWL_PR_BASE: base, SPRAWL_PR_HEAD: head });
    expect(status).toBe(0);
    expect(stderr).toContain(`scanning what ${base}..${head} adds`);
    expect(outputs['exit-code']).toBe('1');
    expect(paths).toEqual(['new.env']);
  });

  it('on a push: the pushed commits; a new branch (no previous commit): the whole history', () => {
    expect(runStep({ SPRAWL_EVENT: 'push', SPRAWL_PUSH_BEFORE: base, SPRAWL_PUSH_AFTER: head }).paths).toEqual(['new.env']);
    expect(runStep({ SPRAWL_EVENT: 'push', SPRAWL_PUSH_BEFORE: '0'.repeat(40), SPRAWL_PUSH_AFTER: head }).paths).toEqual(['new.env', 'old.env']);
  });

  it('full-history, a schedule, or a base commit the checkout lacks: the whole history, said so', () => {
    expect(runStep({ SPRAWL_EVENT: 'pull_request', SPRAWL_PR_BASE: base, SPRAWL_PR_HEAD: head, SPRAWL_FULL_HISTORY: 'true' }).paths).toEqual(['new.env', 'old.env']);
    expect(runStep({ SPRAWL_EVENT: 'schedule' }).paths).toEqual(['new.env', 'old.env']);
    const missingBase = runStep({ SPRAWL_EVENT: 'pull_request', SPRAWL_PR_BASE: 'f'.repeat(40), SPRAWL_PR_HEAD: head });
    expect(missingBase.stderr).toContain('is not in the checkout (use actions/checkout with fetch-depth: 0); scanning the whole history');
    expect(missingBase.paths).toEqual(['new.env', 'old.env']);
  });

  it('fail-on none passes the check but still reports; an input error has no report and exit code 2', () => {
    const lenient = runStep({ SPRAWL_EVENT: 'pull_request', SPRAWL_PR_BASE: base, SPRAWL_PR_HEAD: head, SPRAWL_FAIL_ON: 'none' });
    expect(lenient.outputs['exit-code']).toBe('0');
    expect(lenient.paths).toEqual(['new.env']);
    const broken = runStep({ SPRAWL_EVENT: 'schedule', SPRAWL_CONFIG: env.write('bad.yml', 'rules: [unclosed\n') });
    expect(broken.outputs['exit-code']).toBe('2');
    expect(broken.outputs['sarif-file']).toBeUndefined();
  });
});
