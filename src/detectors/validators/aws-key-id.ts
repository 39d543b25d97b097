/**
 * AWS access key ids encode the owning account: after the four-letter prefix, the base32 characters
 * decode to bytes whose bits 7..46 are the account id (https://medium.com/@TalBeerySec/a-short-note-on-aws-key-id-f88cc4317489).
 * A value that does not decode is not a key id.
 */
import type { Validator } from './validator.js';

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function awsAccountIdOf(keyId: string): string | undefined {
  const encoded = keyId.slice(4);
  let bits = 0n;
  let bitCount = 0;
  for (const char of encoded) {
    const index = BASE32_ALPHABET.indexOf(char);
    if (index < 0) return undefined;
    bits = (bits << 5n) | BigInt(index);
    bitCount += 5;
  }
  if (bitCount < 48) return undefined;
  const firstSixBytes = bits >> BigInt(bitCount - 48);
  const account = (firstSixBytes & 0x7fffffffff80n) >> 7n;
  return account.toString().padStart(12, '0');
}

export const awsKeyIdValidator: Validator = {
  name: 'aws-key-id',
  check(secret) {
    const account = awsAccountIdOf(secret);
    if (account === undefined) return { kind: 'reject', reason: 'not base32 after the prefix' };
    return { kind: 'valid', evidence: `key id decodes to AWS account ${account}`, attributes: { awsAccount: account } };
  },
};
