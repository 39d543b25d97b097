/**
 * SARIF stays within GitHub's upload limits: one result per finding and file (a token repeated all
 * over a log is one result with a count), and at most 25,000 results, saying so when it cut.
 */
import { describe, expect, it } from 'vitest';
import type { Finding, Occurrence } from '../../src/findings/finding.js';
import { fingerprintOf, secretHashOf } from '../../src/findings/fingerprint.js';
import { Secret } from '../../src/findings/secret.js';
import { writeSarif } from '../../src/reporters/sarif.js';
import { builtinRule } from '../support/fakes.js';

const rule = builtinRule('github.pat.classic');

function finding(value: string, occurrences: Occurrence[]): Finding {
  const secretHash = secretHashOf(value);
  return {
    fingerprint: fingerprintOf(rule.id, secretHash),
    secretHash,
    secret: new Secret(value),
    rule,
    lifetime: 'durable',
    lifetimeEvidence: 'test',
    severity: 'high',
    securitySeverity: 8,
    validation: { status: 'not-checked' },
    attributes: {},
    occurrences,
    suppressed: false,
  };
}

const at = (path: string, line: number): Occurrence => ({ provenance: { kind: 'file', path }, line, column: 1, endLine: line, endColumn: 10, before: '', after: '' });
const report = (findings: Finding[]) => JSON.parse(writeSarif({ toolVersion: '0.0.0', root: '/tmp', findings, stats: { filesScanned: 1, bytesScanned: 1, bytesCarriedOver: 0, skipped: [], durationMs: 1 }, rules: [rule], showSecrets: false }));

describe('SARIF limits', () => {
  it('one result per finding and file, with the count of occurrences in that file', () => {
    const repeated = finding('value-one', [...Array.from({ length: 5000 }, (_unused, index) => at('app.log', index + 1)), at('other.log', 3)]);
    const { results } = report([repeated]).runs[0];
    expect(results.map((result: any) => [result.locations[0].physicalLocation.artifactLocation.uri, result.properties.occurrencesInFile])).toEqual([
      ['app.log', 5000],
      ['other.log', 1],
    ]);
    expect(results[0].relatedLocations).toHaveLength(20);
    expect(results[0].relatedLocations[0].physicalLocation.artifactLocation.uri).toBe('other.log');
  });

  it('at most 25,000 results, with a notification saying how many were left out', () => {
    const many = Array.from({ length: 25_010 }, (_unused, index) => finding(`value-${index}`, [at(`file-${index}.env`, 1)]));
    const run = report(many).runs[0];
    expect(run.results).toHaveLength(25_000);
    expect(run.invocations[0].toolExecutionNotifications[0].message.text).toBe(
      "10 of 25010 results left out to stay within GitHub's limit of 25000 results per run (the least severe); the JSON report has them all",
    );
  });
});
