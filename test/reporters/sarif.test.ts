/**
 * The SARIF report of a real scan (findings, sprawl, an allowed line, skipped inputs) must validate
 * against the official schema and pass the SARIF Multitool with GitHub's ingestion rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeMaker } from '../support/fakes.js';
import { multitoolProblems, schemaErrors } from '../support/sarif-validation.js';
import { runCli, ScanEnv } from '../support/scan-env.js';

describe('SARIF output', () => {
  const env = new ScanEnv();
  const fakes = fakeMaker('sarif-output');
  const token = fakes.fake('github.pat.classic');
  let sarifText = '';
  let sarif: any;

  beforeAll(() => {
    env.write('app/settings.py', `GITHUB_TOKEN = "${token}"\n`);
    env.write('deploy/ci env.yml', `env:\n  TOKEN: ${token}\n`);
    env.write('tests/fixture.ts', `const t = '${fakes.fake('github.pat.classic')}'; // sprawl:allow fixture\n`);
    env.write('bad-checksum.env', `GH=${fakes.badChecksum('github.pat.classic')}\n`);
    env.write('blob.bin', Buffer.from([0, 1, 2, 3]));
    const result = runCli(['scan', env.root, '--format', 'sarif']);
    expect(result.exitCode).toBe(1);
    sarifText = result.stdout;
    sarif = JSON.parse(sarifText);
  });
  afterAll(() => env.cleanup());

  it('validates against the official SARIF 2.1.0 schema', () => {
    expect(schemaErrors(sarif)).toEqual([]);
  });

  it('passes the SARIF Multitool with the GitHub ingestion rules, with no errors or warnings', () => {
    expect(multitoolProblems(sarifText)).toEqual([]);
  });

  it('has one result per occurrence, linked to the others, with content-based fingerprints', () => {
    const results = sarif.runs[0].results;
    const tokenResults = results.filter((result: any) => result.properties.sprawlCount === 2);
    expect(tokenResults.map((result: any) => result.locations[0].physicalLocation.artifactLocation.uri)).toEqual(['app/settings.py', 'deploy/ci%20env.yml']);
    expect(tokenResults[0].relatedLocations).toHaveLength(1);
    for (const result of results) {
      expect(result.locations[0].physicalLocation.artifactLocation.uriBaseId).toBe('%SRCROOT%');
      expect(result.partialFingerprints['sprawlFingerprint/v1']).toMatch(/^sprawl\/v1:[0-9a-f]{40}:[0-9a-f]{16}$/);
    }
    expect(sarifText).not.toContain(token);
  });

  it('describes rules for GitHub: help, security-severity, tags and a CWE taxonomy', () => {
    const run = sarif.runs[0];
    const rule = run.tool.driver.rules.find((candidate: any) => candidate.id === 'github.pat.classic');
    expect(rule.help.markdown).toContain('Remediation');
    expect(rule.properties['security-severity']).toBe('9.5');
    expect(rule.properties.tags).toEqual(expect.arrayContaining(['security', 'secret', 'lifetime/durable', 'owasp-nhi/nhi2', 'owasp-nhi/nhi7', 'external/cwe/cwe-798']));
    expect(rule.relationships[0].target).toEqual({ id: '798', toolComponent: { name: 'CWE', index: 0 } });
    expect(run.taxonomies[0].taxa.map((taxon: any) => taxon.id)).toContain('798');
  });

  it('reports allowed lines as suppressed results and a failed checksum as a note', () => {
    const results = sarif.runs[0].results;
    const allowed = results.filter((result: any) => result.suppressions);
    expect(allowed).toHaveLength(1);
    expect(allowed[0].suppressions[0]).toEqual({ kind: 'inSource', status: 'accepted', justification: 'fixture' });
    const badChecksum = results.find((result: any) => result.locations[0].physicalLocation.artifactLocation.uri === 'bad-checksum.env');
    expect(badChecksum.level).toBe('note');
    expect(badChecksum.properties.validation).toBe('checksum-failed');
  });
});

describe('the SARIF validators themselves', () => {
  it('catch a broken log, so a passing check means something', () => {
    const schemaBroken = { version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'fatal' }] }] };
    expect(schemaErrors(schemaBroken)).toEqual(['/runs/0/results/0/level must be equal to one of the allowed values']);
    // Schema-valid, but GitHub cannot place a result without a location.
    const githubBroken = { version: '2.1.0', runs: [{ tool: { driver: { name: 'x', rules: [{ id: 'r' }] } }, results: [{ ruleId: 'r', message: { text: 'no locations' } }] }] };
    expect(multitoolProblems(JSON.stringify(githubBroken)).map((problem) => problem.ruleId)).toContain('GH1015');
  });
});
