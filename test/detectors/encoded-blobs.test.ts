/**
 * A token's opening that occurs by chance inside encoded data is not a token. Repositories hold a lot of
 * base64: images in data URIs and notebooks, integrity hashes in lockfiles, certificates. Every rule
 * opening made only of base64 characters (`EAA`, `AKCp`, `4b1d`…) can occur there, and a rule that takes
 * the next base64 characters for the token's body reports random bytes as a credential (455 MB of random
 * base64 gave 14 such findings before the rules were bounded by characters base64 text does not hold).
 *
 * Here each such opening is planted 150,000 times over, every 320 characters, into seeded pseudo-random
 * base64 and base64url text: nothing may be found. Seeded, so a failure repeats.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { findMatches } from '../../src/detectors/pattern.js';
import { compileRuleset } from '../../src/ruleset/compile-rules.js';
import { BUILTIN_RULES_DIR, loadRules } from '../../src/ruleset/load-rules.js';
import { matcherSpecOf } from '../../src/ruleset/rule.js';

const ruleset = compileRuleset(loadRules([BUILTIN_RULES_DIR]).map(matcherSpecOf));

/** Deterministic pseudo-random bytes: the AES-CTR key stream of a key made from `seed`. */
function seededBytes(seed: string, length: number): Buffer {
  const key = createHash('sha256').update(seed).digest().subarray(0, 16);
  return createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(length));
}

/** The case-sensitive openings of the built-in rules that base64 text can hold by chance. */
const openings = [...new Set(ruleset.rules.flatMap((rule) => rule.parts.map((part) => part.exactPrefix?.toString() ?? '')))]
  .filter((opening) => /^[A-Za-z0-9+/]{3,}$/.test(opening))
  .sort();

const BLOBS_PER_OPENING = 8;
const PLANT_EVERY = 320;

function blobWithPlants(opening: string, encoding: 'base64' | 'base64url', seed: string): Buffer {
  const text = seededBytes(seed, 48_000).toString(encoding);
  const pieces: string[] = [];
  // Half-way through each stretch, after whatever character the encoding put there.
  for (let at = 0; at + PLANT_EVERY <= text.length; at += PLANT_EVERY) {
    pieces.push(text.slice(at, at + PLANT_EVERY / 2), opening, text.slice(at + PLANT_EVERY / 2 + opening.length, at + PLANT_EVERY));
  }
  return Buffer.from(pieces.join(''));
}

describe('rule openings inside encoded data', () => {
  it('there are openings of this kind to plant (the rules have them)', () => {
    expect(openings.length).toBeGreaterThanOrEqual(40);
    expect(openings).toEqual(expect.arrayContaining(['EAA', 'AKCp', 'ATBB']));
  });

  it.each(['base64', 'base64url'] as const)('planted into %s text, no opening is reported as a token', (encoding) => {
    const found: string[] = [];
    for (const opening of openings) {
      for (let blob = 0; blob < BLOBS_PER_OPENING; blob++) {
        for (const match of findMatches(blobWithPlants(opening, encoding, `${encoding}/${opening}/${blob}`), ruleset)) found.push(`${match.ruleId}: ${match.secret.slice(0, 12)}…`);
      }
    }
    expect(found).toEqual([]);
  });
});
