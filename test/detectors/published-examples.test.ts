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

/** RFC 4648 base32, for Google Authenticator's example secret: the bytes `Hello!` and 0xDEADBEEF. */
function base32(bytes: Buffer): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const byte of bytes) bits += byte.toString(2).padStart(8, '0');
  return bits.match(/.{1,5}/g)!.map((chunk) => alphabet[parseInt(chunk.padEnd(5, '0'), 2)]).join('');
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

  it('drops the example TOTP secret of the otpauth key URI format', () => {
    const ruleset = compileRuleset(loadBuiltinRules());
    const example = base32(Buffer.concat([Buffer.from('Hello!'), Buffer.from([0xde, 0xad, 0xbe, 0xef])]));
    expect(example).toHaveLength(16);
    const uriMatches = (secret: string) => findMatches(Buffer.from(`otp = from_uri("otpauth://totp/Example:alice@google.com?secret=${secret}&issuer=Example")\n`), ruleset);
    expect(uriMatches(example)).toEqual([]);
    expect(uriMatches(example.toLowerCase())).toEqual([]); // base32 reads the same in either case
    const other = base32(Buffer.from(otherBasicCredentials().slice(0, 10)));
    expect(uriMatches(other).map((match) => match.secret)).toContain(other);
  });

  it('drops the sample passwords of the nuget.config reference under any rule, and keeps another value there', () => {
    const ruleset = compileRuleset(loadBuiltinRules());
    const passwordsIn = (value: string) =>
      findMatches(Buffer.from(`<packageSourceCredentials>\n  <Contoso>\n    <add key="Username" value="user@contoso.com" />\n    <add key="ClearTextPassword" value="${value}" />\n`), ruleset);
    for (const sample of [['33f', '!!', 'lloppa'], ['hal+9ooo', '_da!sY']]) expect(passwordsIn(sample.join(''))).toEqual([]);
    const other = `${otherBasicCredentials().slice(0, 8)}!q`;
    expect(passwordsIn(other).map((match) => match.secret)).toContain(other);
  });

  it('drops the Cargo Book`s example registry token, and keeps another token there', () => {
    const ruleset = compileRuleset(loadBuiltinRules());
    const tokensIn = (value: string) => findMatches(Buffer.from(`[registries.my-registry]\ntoken = "${value}"\n`), ruleset).map((match) => match.secret);
    expect(tokensIn(['854DvwSl', 'UwEHtIo3', 'kWy6x7UC', 'PKHfzCmy'].join(''))).toEqual([]);
    const random = new SeededRandom('cargo-token');
    const other = Array.from({ length: 32 }, () => 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'[random.int(0, 54)]).join('');
    expect(tokensIn(other)).toEqual([other]);
  });

  it('drops the consumer key and token of RFC 5849`s example Authorization header', () => {
    const ruleset = compileRuleset(loadBuiltinRules());
    const header = (key: string) => Buffer.from(`Authorization: OAuth realm="Example",\n    oauth_consumer_key="${key}",\n    oauth_signature_method="HMAC-SHA1",\n`);
    expect(findMatches(header(['0685bd91', '84jfhq22'].join('')), ruleset)).toEqual([]);
    const random = new SeededRandom('oauth1-key');
    const other = Array.from({ length: 16 }, () => 'abcdefghjkmnpqrstuvwxyz23456789'[random.int(0, 30)]).join('');
    expect(findMatches(header(other), ruleset).map((match) => match.secret)).toContain(other);
  });

  it('drops the AWS API references` example passwords that botocore ships, and keeps another password there', () => {
    const ruleset = compileRuleset(loadBuiltinRules());
    const passwordsIn = (value: string) => findMatches(Buffer.from(`        "input": {\n          "NewPassword": "${value}",\n`), ruleset).map((match) => match.secret);
    for (const example of [[']35d/{', 'pB9Fo9wJ'], ['3s0K_;', 'xh4~8XXI'], ['SomeKindOf', 'Password123!@#']]) expect(passwordsIn(example.join(''))).toEqual([]);
    const random = new SeededRandom('aws-example');
    const other = `${Array.from({ length: 10 }, () => 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'[random.int(0, 54)]).join('')}]{~`;
    expect(passwordsIn(other)).toEqual([other]);
  });
});

