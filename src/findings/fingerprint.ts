/**
 * Content-based identities for secrets and findings.
 * - `secretHash` is HMAC-SHA-256 of the value under a key. A plain hash of a short password could be
 *   brute-forced from a shared report; a keyed one cannot without the key. The key is per organisation
 *   (`SPRAWL_FINGERPRINT_KEY` or config), so two sweeps with the same key can be joined on it.
 * - `fingerprint` is `sprawl/v1:` + SHA-256(ruleId, secretHash): the same secret found by the same rule is
 *   the same finding in every file, commit and run. It never depends on a line number (which moves with
 *   every edit above it) or on a rule's regex (which changes when the rule improves).
 */
import { createHash, createHmac } from 'node:crypto';

/** Used when no key is configured; fine for one team, but set your own to make hashes unguessable. */
export const DEFAULT_FINGERPRINT_KEY = 'sprawl default fingerprint key v1';
export const FINGERPRINT_VERSION = 'sprawl/v1';

export type SecretHash = string & { readonly brand: 'SecretHash' };
export type Fingerprint = string & { readonly brand: 'Fingerprint' };

export function secretHashOf(value: string, key: string = DEFAULT_FINGERPRINT_KEY): SecretHash {
  return createHmac('sha256', key).update(value, 'utf8').digest('hex') as SecretHash;
}

export function fingerprintOf(ruleId: string, secretHash: SecretHash): Fingerprint {
  const digest = createHash('sha256').update(ruleId).update('\0').update(secretHash).digest('hex');
  return `${FINGERPRINT_VERSION}:${digest.slice(0, 40)}` as Fingerprint;
}
