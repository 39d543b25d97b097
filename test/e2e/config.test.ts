/**
 * `.sprawl.yml`: rules off, severities, excluded paths, allow-listed values by hash, the default
 * baseline and fail-on; and one-line errors naming file, line and field.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { fakeMaker } from '../support/fakes.js';
import { runCli, ScanEnv } from '../support/scan-env.js';

const env = new ScanEnv();
const fakes = fakeMaker('config');
afterAll(() => env.cleanup());

function scan(root: string, ...extra: string[]) {
  const result = runCli(['scan', root, '--format', 'json', ...extra]);
  if (result.exitCode > 1) throw new Error(result.stderr);
  return { ...result, report: JSON.parse(result.stdout) };
}

describe('.sprawl.yml', () => {
  const pat = fakes.fake('github.pat.classic');
  const npm = fakes.fake('npm.access-token');
  const root = env.path('project');
  env.write('project/app.env', `GITHUB_TOKEN=${pat}\nNPM_TOKEN=${npm}\n`);
  env.write('project/vendor/lib.env', `GITHUB_TOKEN=${fakes.fake('github.pat.classic')}\n`);

  it('turns rules off, changes severities and leaves out paths', () => {
    env.write('project/.sprawl.yml', 'rules:\n  disable: [npm.access-token, generic.token.assignment]\n  severity:\n    github.pat.classic: medium\npaths:\n  exclude: ["vendor/**"]\n');
    const { report } = scan(root);
    expect(report.findings.map((finding: any) => [finding.ruleId, finding.severity, finding.occurrences.map((o: any) => o.path)])).toEqual([['github.pat.classic', 'medium', ['app.env']]]);
  });

  it('fail_on sets the default threshold; --fail-on overrides it', () => {
    env.write('project/.sprawl.yml', 'rules:\n  severity:\n    github.pat.classic: medium\n    npm.access-token: medium\npaths:\n  exclude: ["vendor/**"]\nfail_on: high\n');
    expect(scan(root).exitCode).toBe(0);
    expect(scan(root, '--fail-on', 'medium').exitCode).toBe(1);
  });

  it('allow-lists a value by its keyed hash, wherever it occurs', () => {
    env.write('project/.sprawl.yml', '');
    const hash = scan(root).report.findings.find((finding: any) => finding.ruleId === 'npm.access-token').secretHash;
    env.write('project/.sprawl.yml', `allow:\n  secret_hashes: [${hash}]\n`);
    const { report } = scan(root);
    const allowed = report.findings.find((finding: any) => finding.ruleId === 'npm.access-token');
    expect(allowed.suppressed).toBe(true);
    expect(allowed.occurrences[0].allowed).toEqual({ reason: 'allow-listed value (.sprawl.yml)' });
  });

  it.each([
    ['an unknown setting', 'colour: blue\n', ':1: colour: unknown setting'],
    ['a bad severity', 'rules:\n  severity:\n    github.pat.classic: urgent\n', ':3: rules.severity.github.pat.classic: expected one of critical, high, medium, low'],
    ['a rule id that does not exist', 'rules:\n  disable: [github.pat.clasic]\n', ': rules: no rule with id github.pat.clasic'],
    ['invalid YAML', 'rules: [\n', ':2: invalid YAML'],
  ])('rejects %s with one line naming the file, line and field', (_name, text, expected) => {
    const file = env.write('project/.sprawl.yml', text);
    const result = runCli(['scan', root]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.startsWith(`sprawl: ${file}${expected}`)).toBe(true);
    expect(result.stderr.split('\n')).toHaveLength(2);
  });
});

describe('thresholds', () => {
  it('max_token_lifetime_hours decides which token lifetime settings are standing access', () => {
    const root = env.path('vault');
    env.write('vault/auth.tf', 'resource "vault_jwt_auth_backend_role" "ci" {\n  token_ttl     = "1h"\n  token_max_ttl = "48h"\n}\n');
    expect(scan(root).report.findings).toEqual([]);
    env.write('vault/.sprawl.yml', 'thresholds:\n  max_token_lifetime_hours: 24\n');
    const { report } = scan(root);
    expect(report.findings.map((finding: any) => [finding.ruleId, finding.occurrences[0].line, finding.validation.evidence])).toEqual([
      ['vault.long-token-ttl', 3, '48 hours, above the threshold of 24 hours'],
    ]);
  });
});
