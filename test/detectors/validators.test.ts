import { describe, expect, it } from 'vitest';
import { awsAccountIdOf, awsKeyIdValidator } from '../../src/detectors/validators/aws-key-id.js';
import { base62Checksum } from '../../src/detectors/validators/base62-crc32.js';
import { validatorNamed } from '../../src/detectors/validators/index.js';
import { jwtValidator } from '../../src/detectors/validators/jwt.js';

/** Builds a key id for an account, the inverse of the decoding under test (so no real id is committed). */
function keyIdFor(prefix: string, account: bigint, randomTail: bigint): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bits = ((((account << 7n) | (randomTail & 0x7fn)) << 32n) | (randomTail >> 7n & 0xffffffffn)); // 80 bits
  let encoded = '';
  for (let shift = 75n; shift >= 0n; shift -= 5n) encoded += alphabet[Number((bits >> shift) & 31n)];
  return prefix + encoded;
}

describe('aws-key-id', () => {
  it('decodes the account an access key id belongs to', () => {
    const keyId = keyIdFor('AKIA', 123456789012n, 0x1234567n);
    expect(keyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(awsAccountIdOf(keyId)).toBe('123456789012');
    expect(awsKeyIdValidator.check(keyId)).toMatchObject({ kind: 'valid', attributes: { awsAccount: '123456789012' } });
  });

  it('rejects what is not base32', () => {
    expect(awsKeyIdValidator.check('AKIA0000111188889999').kind).toBe('reject');
  });
});

describe('base62 CRC32 checksums (GitHub, npm)', () => {
  it('are six base62 characters, zero-padded', () => {
    expect(base62Checksum('')).toBe('000000');
    expect(base62Checksum('a')).toMatch(/^[0-9A-Za-z]{6}$/);
  });

  it('accept completed values and flag altered ones', () => {
    const github = validatorNamed('github-crc32')!;
    const token = github.complete!(`ghp_${'Ab3'.repeat(10)}`);
    expect(github.check(token).kind).toBe('valid');
    const altered = `${token.slice(0, 10)}${token[10] === 'Z' ? 'Y' : 'Z'}${token.slice(11)}`;
    expect(github.check(altered).kind).toBe('checksum-failed');
  });
});

describe('jwt', () => {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it('decodes claims without verifying', () => {
    const token = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ iss: 'https://issuer.test', exp: 1700000000, iat: 1699996400 })}.c2lnbmF0dXJl`;
    expect(jwtValidator.check(token)).toMatchObject({ kind: 'valid', attributes: { alg: 'HS256', iss: 'https://issuer.test', exp: '1700000000', iat: '1699996400' } });
  });

  it('rejects three dotted parts that are not a JWT', () => {
    expect(jwtValidator.check('eyJub3QganNvbg.e30.c2ln').kind).toBe('reject');
  });
});
