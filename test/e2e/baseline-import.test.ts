/**
 * Migration: gitleaks' .gitleaksignore and TOML allowlists, and detect-secrets' .secrets.baseline, become
 * a sprawl baseline by re-finding what they accepted; what cannot be mapped is said, line by line.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it, afterAll } from 'vitest';
import { fakeMaker } from '../support/fakes.js';
import { runCli, ScanEnv } from '../support/scan-env.js';

const env = new ScanEnv();
const fakes = fakeMaker('baseline-import');
afterAll(() => env.cleanup());

function tree(name: string) {
  const pat = fakes.fake('github.pat.classic');
  const npm = fakes.fake('npm.access-token');
  const root = env.path(name);
  env.write(`${name}/app.env`, `# config\nGITHUB_TOKEN=${pat}\n`);
  env.write(`${name}/fixtures/npm.env`, `NPM_TOKEN=${npm}\n`);
  return { root, pat, npm, baseline: env.path(`${name}.baseline.json`) };
}

const newFindings = (root: string, baseline: string) => {
  const result = runCli(['scan', root, '--format', 'json', '--baseline', baseline]);
  return JSON.parse(result.stdout).findings.filter((finding: { suppressed: boolean }) => !finding.suppressed).map((finding: { ruleId: string }) => finding.ruleId);
};

describe('sprawl baseline import', () => {
  it('.gitleaksignore: places that still hold a finding are accepted; the rest are listed', () => {
    const { root, baseline } = tree('gitleaks-ignore');
    const ignoreFile = env.write('gitleaks-ignore/.gitleaksignore', '# triaged\napp.env:github-pat:2\n3f1a2b0c:old/gone.env:generic-api-key:7\n');
    const result = runCli(['baseline', 'import', ignoreFile, root, '--output', baseline]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe(
      `sprawl: not imported: ${ignoreFile}:3: nothing found at old/gone.env:7 (fixed or moved since)\n` +
        `sprawl: ${baseline}: 1 finding imported from ${ignoreFile}, 1 entry not mapped\n`,
    );
    expect(newFindings(root, baseline)).toEqual(['npm.access-token']);
  });

  it('gitleaks TOML allowlists: paths and regexes applied, commits reported as not mapped', () => {
    const { root, baseline } = tree('gitleaks-toml');
    const toml = env.write('gitleaks-toml/.gitleaks.toml', `[allowlist]\ndescription = "fixtures"\npaths = ['''^fixtures/''']\ncommits = ["3f1a2b0c"]\n`);
    const result = runCli(['baseline', 'import', toml, root, '--output', baseline]);
    expect(result.stderr).toContain(`sprawl: not imported: ${toml}: allowlist 1: commits (1) are not imported`);
    expect(newFindings(root, baseline)).toEqual(['github.pat.classic']);
  });

  it('detect-secrets .secrets.baseline: matched by the SHA-1 of the value, wherever the line moved; audited real secrets are not accepted', () => {
    const { root, pat, npm, baseline } = tree('detect-secrets');
    const sha1 = (value: string) => createHash('sha1').update(value).digest('hex');
    const file = env.write(
      'detect-secrets-triage/.secrets.baseline',
      JSON.stringify({
        version: '1.5.0',
        results: {
          'app.env': [{ type: 'GitHub Token', hashed_secret: sha1(pat), line_number: 40, is_secret: false }],
          'fixtures/npm.env': [{ type: 'NPM tokens', hashed_secret: sha1(npm), line_number: 1, is_secret: true }],
        },
      }),
    );
    const result = runCli(['baseline', 'import', file, root, '--output', baseline]);
    expect(result.stderr).toContain('fixtures/npm.env:1: audited as a real secret (is_secret: true); not accepted');
    expect(newFindings(root, baseline)).toEqual(['npm.access-token']);
    expect(readFileSync(baseline, 'utf8')).not.toContain(sha1(pat));
  });

  it('a file it cannot read as any of these formats is a one-line error', () => {
    const odd = env.write('odd/notes.txt', 'hello\n');
    expect(runCli(['baseline', 'import', odd, env.path('odd')])).toMatchObject({
      exitCode: 2,
      stderr: `sprawl: ${odd}: cannot tell the format (expected .gitleaksignore, a gitleaks .toml or a detect-secrets .secrets.baseline)\n`,
    });
  });
});
