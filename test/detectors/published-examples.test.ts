/**
 * Published example values (src/detectors/published-examples.ts): a value a standard prints as its
 * example is not reported, whichever rule finds it, while any other value in the same place is. The
 * examples are put together here from their parts (RFC 6749's client id and secret), so that this file
 * holds no credential-shaped text.
 */
import { describe, expect, it } from 'vitest';
import { findMatches } from '../../src/detectors/pattern.js';
import { isPublishedExample } from '../../src/detectors/published-examples.js';
import { loadBuiltinRules } from '../../src/ruleset/builtin-cache.js';
import { compileRuleset } from '../../src/ruleset/compile-rules.js';
import { SeededRandom } from '../../src/ruleset/fake-secrets.js';

/** RFC 6749 4.4.2's client credentials, as `Authorization: Basic` sends them. */
const rfcBasicCredentials = Buffer.from(['s6BhdRkqt3', 'gX1fBat3bV'].join(':')).toString('base64');

/** A client id and secret of the same shape, made by a seeded generator. */
function otherBasicCredentials(): string {
  const random = new SeededRandom('published-examples');
  const part = (length: number) => Array.from({ length }, () => 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'[random.int(0, 54)]).join('');
  return Buffer.from(`${part(10)}:${part(10)}`).toString('base64');
}

describe('published example values', () => {
  it('knows the value RFC 6749 prints, and not one of the same shape', () => {
    expect(isPublishedExample(rfcBasicCredentials)).toBe(true);
    expect(isPublishedExample(otherBasicCredentials())).toBe(false);
    expect(isPublishedExample('')).toBe(false);
  });

  it('drops a match whose value is a published example, whatever rule found it, and keeps any other', () => {
    const ruleset = compileRuleset(loadBuiltinRules());
    const basicHeaderMatches = (credentials: string) =>
      findMatches(Buffer.from(`curl -H "Authorization: Basic ${credentials}" https://server.example.com/token\n`), ruleset).filter((match) => match.ruleId.startsWith('http-auth.'));
    expect(basicHeaderMatches(otherBasicCredentials()).map((match) => match.secret)).toEqual([otherBasicCredentials()]);
    expect(basicHeaderMatches(rfcBasicCredentials)).toEqual([]);
  });
});
