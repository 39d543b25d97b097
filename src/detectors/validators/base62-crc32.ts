/**
 * GitHub's and npm's token checksum: the last six characters are the CRC32 of the random part, in
 * base62 and left-padded with zeros. Sources: https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/
 * and https://github.blog/2021-09-23-announcing-npms-new-access-token-format/ .
 */
import { crc32 } from 'node:zlib';
import type { Validator } from './validator.js';

const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const CHECKSUM_LENGTH = 6;

export function base62Checksum(randomPart: string): string {
  let value = crc32(randomPart) >>> 0;
  let encoded = '';
  while (value > 0) {
    encoded = BASE62_ALPHABET[value % 62] + encoded;
    value = Math.floor(value / 62);
  }
  return encoded.padStart(CHECKSUM_LENGTH, '0');
}

/** A validator for `<prefix><random><checksum>` tokens, where `prefixPattern` strips the prefix. */
export function base62Crc32Validator(name: string, prefixPattern: RegExp, product: string): Validator {
  return {
    name,
    check(secret) {
      const body = secret.replace(prefixPattern, '');
      if (body.length <= CHECKSUM_LENGTH) return { kind: 'reject', reason: 'too short for a checksummed token' };
      const randomPart = body.slice(0, -CHECKSUM_LENGTH);
      const checksum = body.slice(-CHECKSUM_LENGTH);
      return base62Checksum(randomPart) === checksum
        ? { kind: 'valid', evidence: `${product} CRC32 checksum matches` }
        : { kind: 'checksum-failed', evidence: `${product} CRC32 checksum does not match: probably a made-up or truncated value` };
    },
    complete(body) {
      const randomPart = body.replace(prefixPattern, '');
      return body + base62Checksum(randomPart);
    },
  };
}
