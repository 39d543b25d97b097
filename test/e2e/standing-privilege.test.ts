/**
 * Standing privilege beyond secret values, on realistic files: workflows that sign in to clouds with
 * stored static keys (and their OIDC-only twins, which must stay quiet), infrastructure that mints
 * durable keys, legacy service-account tokens, literal fallbacks, and MCP configs with literal keys
 * (but not `${env:…}` references).
 */
import { cpSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeMaker } from '../support/fakes.js';
import { REPO_ROOT, runCli, ScanEnv, scanJson } from '../support/scan-env.js';

const FIXTURES = path.join(REPO_ROOT, 'fixtures', 'standing-privilege');
const env = new ScanEnv();
const fakes = fakeMaker('standing-privilege');
afterAll(() => env.cleanup());

const found = (report: { findings: { ruleId: string; occurrences: { path: string; line: number }[] }[] }) =>
  report.findings.flatMap((finding) => finding.occurrences.map((occurrence) => `${finding.ruleId} ${occurrence.path}:${occurrence.line}`)).sort();

describe('CI identity and infrastructure', () => {
  cpSync(path.join(FIXTURES, 'static-keys'), env.path('static-keys'), { recursive: true });
  cpSync(path.join(FIXTURES, 'oidc-only'), env.path('oidc-only'), { recursive: true });

  it('reports every static-key sign-in, PAT, minted key, legacy token, long refresh-token setting and code fallback', () => {
    const { exitCode, report } = scanJson([env.path('static-keys')]);
    expect(exitCode).toBe(1);
    expect(found(report)).toEqual([
      'fallback.static-key-after-federation src/cloud-credentials.ts:5',
      'github-actions.aws-static-keys .github/workflows/deploy.yml:14',
      'github-actions.azure-static-creds .github/workflows/deploy.yml:22',
      'github-actions.gcp-credentials-json .github/workflows/deploy.yml:19',
      'github-actions.long-lived-pat .github/workflows/deploy.yml:11',
      'kubernetes.legacy-service-account-token k8s/ci-token.yaml:6',
      'terraform.aws-iam-access-key infra/main.tf:5',
      'terraform.aws-iam-user-for-workload infra/main.tf:1',
      'terraform.azure-client-secret infra/main.tf:13',
      'terraform.cognito-long-refresh-token infra/main.tf:21',
      'terraform.gcp-service-account-key infra/main.tf:9',
    ]);
    const aws = report.findings.find((finding: { ruleId: string }) => finding.ruleId === 'github-actions.aws-static-keys');
    expect(aws).toMatchObject({ lifetime: 'durable', remediation: expect.stringContaining('role-to-assume') });
    // The match names the stored secret; it is no credential, so it is shown as it is.
    expect(aws).toMatchObject({ secret: 'AWS_ACCESS_KEY_ID', secretRedacted: false });
  });

  it('stays quiet on the OIDC-only twin: roles, workload identity, client ids, GITHUB_TOKEN, short refresh tokens', () => {
    const { exitCode, report } = scanJson([env.path('oidc-only')]);
    expect(found(report)).toEqual([]);
    expect(exitCode).toBe(0);
  });
});

describe('static keys kept beside federation', () => {
  cpSync(path.join(FIXTURES, 'beside-oidc'), env.path('beside-oidc'), { recursive: true });
  cpSync(path.join(FIXTURES, 'gitlab'), env.path('gitlab'), { recursive: true });

  it('a GitHub job with id-token: write that still passes stored AWS keys: the keys are a fallback', () => {
    const { report } = scanJson([env.path('beside-oidc')]);
    expect(found(report)).toEqual([
      'github-actions.static-key-beside-oidc .github/workflows/deploy.yml:19',
      'github-actions.static-key-beside-oidc .github/workflows/deploy.yml:20',
    ]);
    expect(report.findings[0]!.validation).toMatchObject({ status: 'valid', evidence: expect.stringMatching(/^job deploy requests an OIDC token \(id-token: write\) yet also passes secrets\.LEGACY_AWS_/) });
  });

  it('GitLab CI: the job on stored keys is reported, the one on id_tokens is not', () => {
    const { report } = scanJson([env.path('gitlab')]);
    expect(found(report)).toEqual(['gitlab-ci.static-cloud-key .gitlab-ci.yml:7', 'gitlab-ci.static-cloud-key .gitlab-ci.yml:8']);
  });
});

describe('fallback paths and agent configuration', () => {
  it('a literal key behind an environment lookup, in shell, compose, Java and Go; not a placeholder or a reference', () => {
    const key = fakes.fake('generic.secret.assignment');
    env.write('fallback/run.sh', `#!/bin/sh\ncurl -H "Authorization: Bearer \${API_TOKEN:-${key}}" https://api.example.test\nexport OTHER=\${OTHER_TOKEN:?must be set}\n`);
    env.write('fallback/docker-compose.yml', `services:\n  api:\n    environment:\n      - DB_PASSWORD=\${DB_PASSWORD:-${key}}\n      - LOG_LEVEL=\${LOG_LEVEL:-info}\n`);
    env.write('fallback/Config.java', `class Config {\n  String key = System.getenv().getOrDefault("PAYMENTS_KEY", "${key}");\n}\n`);
    env.write('fallback/main.go', `package main\n\nfunc key() string {\n\tk := os.Getenv("SERVICE_KEY")\n\tif k == "" {\n\t\tk = "${key}"\n\t}\n\treturn k\n}\n`);
    const { report } = scanJson([env.path('fallback')]);
    expect(found(report)).toEqual([
      'fallback.env-default.go main.go:6',
      'fallback.env-default.java Config.java:2',
      'fallback.env-default.shell docker-compose.yml:4',
      'fallback.env-default.shell run.sh:2',
    ]);
  });

  it('an MCP config with a literal key is reported; one with ${env:…} and ${input:…} references is not', () => {
    const token = fakes.fake('github.pat.classic');
    const literal = { mcpServers: { github: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-github'], env: { GITHUB_PERSONAL_ACCESS_TOKEN: token } } } };
    const referenced = { servers: { github: { command: 'npx', env: { GITHUB_PERSONAL_ACCESS_TOKEN: '${env:GITHUB_TOKEN}' }, headers: { Authorization: 'Bearer ${input:github_token}' } } } };
    env.write('agents/literal/.mcp.json', JSON.stringify(literal, null, 2));
    env.write('agents/referenced/.vscode/mcp.json', JSON.stringify(referenced, null, 2));
    expect(found(scanJson([env.path('agents/literal')]).report)).toEqual(['github.pat.classic .mcp.json:10']);
    expect(runCli(['scan', env.path('agents/referenced'), '--format', 'json']).exitCode).toBe(0);
  });

  it('a key no provider rule knows, in an MCP server config, is reported with the server and the field', () => {
    const key = fakes.fake('agent.mcp-literal-credential');
    const config = { mcpServers: { search: { command: 'npx', args: ['-y', 'search-mcp'], env: { SEARCH_API_KEY: key, LOG_LEVEL: 'debug' } } } };
    env.write('agents/unknown/claude_desktop_config.json', JSON.stringify(config, null, 2));
    const { report } = scanJson([env.path('agents/unknown')]);
    expect(found(report)).toEqual(['agent.mcp-literal-credential claude_desktop_config.json:10']);
    expect(report.findings[0]!.attributes).toEqual({ mcpServer: 'search', field: 'env.SEARCH_API_KEY' });
    expect(runCli(['scan', env.path('agents/unknown'), '--format', 'text']).stdout).toContain('MCP server "search", field env.SEARCH_API_KEY');
  });
});
