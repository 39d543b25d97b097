/**
 * Redaction everywhere: no raw secret in any output format, the debug trace, the summary on stderr, a
 * baseline, or the rule cache, unless `--show-secrets` is given.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeMaker } from '../support/fakes.js';
import { REPO_ROOT, runCli, ScanEnv } from '../support/scan-env.js';

describe('redaction', () => {
  const env = new ScanEnv();
  const fakes = fakeMaker('redaction');
  const values = [fakes.fake('github.pat.classic'), fakes.fake('npm.access-token'), fakes.fake('slack.bot-token'), 'Zq8#vT2!mW9@kP4$xR7'];
  env.write('app/config.env', `GITHUB_TOKEN=${values[0]}\nNPM_TOKEN=${values[1]}\nSLACK_BOT_TOKEN=${values[2]}\n`);
  env.write('app/db.py', `DB_PASSWORD = "${values[3]}"\n`);
  afterAll(() => env.cleanup());

  const leaked = (text: string) => values.filter((value) => text.includes(value));

  it.each(['text', 'json', 'sarif'])('%s output and the --debug trace carry no raw value', (format) => {
    const result = runCli(['scan', env.path('app'), '--format', format, '--debug']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('sprawl[debug] finding');
    expect(leaked(result.stdout + result.stderr)).toEqual([]);
  });

  it('a report written to a file, the summary, the baseline and the rule cache carry none', () => {
    const report = env.path('report.sarif');
    const summary = runCli(['scan', env.path('app'), '--output', report, '--debug']);
    const baseline = env.path('baseline.json');
    runCli(['baseline', 'create', env.path('app'), '--output', baseline]);
    const files = [report, baseline, `${REPO_ROOT}/dist/builtin-rules.json`].map((file) => readFileSync(file, 'utf8')).join('\n');
    expect(leaked(summary.stdout + summary.stderr + files)).toEqual([]);
  });

  it('--show-secrets prints them, on request only', () => {
    const result = runCli(['scan', env.path('app'), '--format', 'json', '--show-secrets']);
    expect(leaked(result.stdout)).toEqual(values);
  });
});
