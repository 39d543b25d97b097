/**
 * PEM and OpenSSH private keys: checks that the block's body is base64 of a plausible size and tells
 * whether the key is encrypted (a passphrase is then needed to use it, which lowers the urgency).
 * OpenSSH keys name their cipher in the binary header (`openssh-key-v1\0`, then the cipher name).
 */
import type { Validator } from './validator.js';

const MIN_KEY_BODY_BYTES = 32;

export const privateKeyValidator: Validator = {
  name: 'private-key',
  check(secret) {
    // Armour lines first (a key pasted on one line keeps BEGIN, body and END together), then headers.
    const unarmoured = secret.replace(/-{4,5} ?(?:BEGIN|END) [A-Z0-9 ]{0,40}-{4,5}/g, '\n');
    const lines = unarmoured.split(/\r?\n|\\r\\n|\\n|\\r/);
    const body = lines
      .filter((line) => !line.includes('-----') && !/^[A-Za-z-]+:/.test(line.trim()))
      .join('')
      .replace(/[\s"'\\,+]/g, '');
    const bytes = Buffer.from(body, 'base64');
    if (bytes.length < MIN_KEY_BODY_BYTES) return { kind: 'reject', reason: 'key body too short or not base64' };
    if (/\.\.\.|<|>/.test(body)) return { kind: 'reject', reason: 'key body is elided' };
    const encrypted = isEncrypted(secret, bytes);
    return {
      kind: 'valid',
      evidence: encrypted ? 'PEM structure checks out; the key is encrypted with a passphrase' : 'PEM structure checks out; the key is not encrypted',
      attributes: { encrypted: String(encrypted) },
    };
  },
};

function isEncrypted(secret: string, body: Buffer): boolean {
  if (/ENCRYPTED/.test(secret)) return true;
  // PuTTY .ppk files name their cipher on an `Encryption:` line (`none` when unencrypted).
  const putty = /^Encryption: *(\S+)/m.exec(secret);
  if (putty) return putty[1] !== 'none';
  const opensshMagic = 'openssh-key-v1\0';
  if (body.subarray(0, opensshMagic.length).toString('latin1') === opensshMagic) {
    const cipherLength = body.readUInt32BE(opensshMagic.length);
    const cipher = body.subarray(opensshMagic.length + 4, opensshMagic.length + 4 + cipherLength).toString('latin1');
    return cipher !== 'none';
  }
  return false;
}
