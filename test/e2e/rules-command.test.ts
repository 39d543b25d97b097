/**
 * `sprawl rules check` on a user's own rule file, and `sprawl rules list` in its three formats.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, ScanEnv } from '../support/scan-env.js';

const env = new ScanEnv();
afterAll(() => env.cleanup());

const userRule = (pattern: string) => `provider: acme
rules:
  - id: acme.api-key
    name: Acme API key
    description: Calls the Acme API as the account that made it.
    lifetime: durable
    lifetime_evidence: Acme keys never expire.
    severity: high
    keywords: [acme_]
    pattern: '${pattern}'
    fake: '[a-z0-9]{24}'
    cwe: [CWE-798]
    nhi: [NHI2]
    references: [https://docs.acme.test/keys]
    remediation: Revoke the key in the Acme console.
    examples:
      - 'ACME_KEY=acme_{{fake}}'
    negative_examples:
      - 'ACME_KEY=acme_<your-key>'
`;

describe('sprawl rules check', () => {
  it('passes a correct rule: its example captures exactly the generated fake', () => {
    const file = env.write('good.yml', userRule('\\b(acme_[a-z0-9]{24})\\b'));
    // The fake is only the random part; the capture includes the prefix, so the example must say so.
    const fixed = env.write('good-fixed.yml', userRule('\\bacme_([a-z0-9]{24})\\b'));
    expect(runCli(['rules', 'check', fixed])).toMatchObject({ exitCode: 0, stdout: '1 rules, 2 examples: all pass\n' });
    const result = runCli(['rules', 'check', file]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`^FAIL ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:17 example 1 \\(rule acme.api-key\\): expected to capture ".+" \\(24 chars\\), captured ".+" \\(29 chars\\)\\n`));
  });

  it('reports a negative example that matches', () => {
    const file = env.write('loose.yml', userRule('\\bacme_([a-z<>-]{5,30}|[a-z0-9]{24})'));
    const result = runCli(['rules', 'check', file]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(`FAIL ${file}:19 negative example 1 (rule acme.api-key): expected no match`);
  });
});

describe('sprawl rules check, keywords', () => {
  it('reports a pattern that can match without any of its keywords, which the prefilter would then miss', () => {
    // `acmeco_…` matches the pattern but holds no `acme_`: found only when an `acme_` happens to be nearby.
    const file = env.write('unsound.yml', userRule('\\b(?:acme|acmeco)_([a-z0-9]{24})\\b'));
    const result = runCli(['rules', 'check', file]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`FAIL ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3 keywords \\(rule acme.api-key\\): \\d+ of \\d+ random matches of the pattern hold none of its keywords, e.g. "acmeco_`));
    expect(result.stdout).toContain('1 rules, 2 examples: 1 failed');
  });

  it('refuses a keyword of two letters, which occurs in every block of text, but takes two characters with punctuation', () => {
    const twoLetters = env.write('two-letters.yml', userRule('\\bac([a-z0-9]{24})\\b').replace('keywords: [acme_]', 'keywords: [ac]'));
    expect(runCli(['rules', 'check', twoLetters])).toMatchObject({
      exitCode: 2,
      stderr: `sprawl: ${twoLetters}:9: rule acme.api-key: keyword 'ac' is too short to prefilter on (at least 3 characters, or 2 with punctuation)\n`,
    });
    const flag = env.write('flag.yml', userRule('-k ([a-z0-9]{24})\\b').replace('keywords: [acme_]', 'keywords: [-k]').replace("'ACME_KEY=acme_{{fake}}'", "'acme-cli -k {{fake}}'"));
    expect(runCli(['rules', 'check', flag])).toMatchObject({ exitCode: 0, stdout: '1 rules, 2 examples: all pass\n' });
  });

  it('accepts keywords marked as context, and only where the pattern needs it', () => {
    const contextual = env.write('context.yml', userRule('\\b(?:acme|acmeco)_([a-z0-9]{24})\\b').replace('    keywords: [acme_]', '    keywords: [acme_]\n    context_keywords: true'));
    expect(runCli(['rules', 'check', contextual])).toMatchObject({ exitCode: 0, stdout: '1 rules, 2 examples: all pass\n' });
    const needless = env.write('needless.yml', userRule('\\bacme_([a-z0-9]{24})\\b').replace('    keywords: [acme_]', '    keywords: [acme_]\n    context_keywords: true'));
    const result = runCli(['rules', 'check', needless]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain("every match holds one of its keywords: drop 'context_keywords'");
  });
});

describe('sprawl rules list', () => {
  it('prints the catalogue as text, JSON and a Markdown table with lifetime and controls', () => {
    const text = runCli(['rules', 'list']);
    expect(text.exitCode).toBe(0);
    const count = Number(/(\d+) rules\n$/.exec(text.stdout)![1]);
    expect(count).toBeGreaterThanOrEqual(300);
    const json = JSON.parse(runCli(['rules', 'list', '--format', 'json']).stdout);
    expect(json).toHaveLength(count);
    expect(json.every((rule: { lifetime: string; lifetimeEvidence: string; cwe: string[] }) => rule.lifetimeEvidence.length > 0 && rule.cwe.length > 0)).toBe(true);
    // The rule as its author wrote it: no examples, and none of the engine's own reading of the pattern.
    expect(json.filter((rule: object) => 'examples' in rule || 'plan' in rule)).toEqual([]);
    const markdown = runCli(['rules', 'list', '--format', 'markdown']).stdout.split('\n');
    expect(markdown[0]).toBe('| id | name | provider | lifetime | severity | CWE | OWASP NHI |');
    expect(markdown.filter((line) => line.startsWith('| `'))).toHaveLength(count);
  });
});
