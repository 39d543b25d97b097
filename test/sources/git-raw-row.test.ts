/**
 * Rows of git's `--raw -z` output: the full parse, and the quick look at a row's two ids that lets the
 * attribution skip the thousands of rows about other blobs.
 */
import { describe, expect, it } from 'vitest';
import { rawRowIdsOf, rawRowOf } from '../../src/sources/git-raw-row.js';
import { SeededRandom } from '../../src/ruleset/fake-secrets.js';

const random = new SeededRandom('git-raw-row');
const objectId = (length: number) => Array.from({ length }, () => '0123456789abcdef'[random.int(0, 15)]).join('');

describe('raw rows', () => {
  it('finds the same two ids as the full parse, for SHA-1 and SHA-256 ids, after a commit header or not', () => {
    for (const length of [40, 64]) {
      for (const status of ['A', 'M', 'D', 'T']) {
        const [oldId, newId] = [objectId(length), objectId(length)];
        for (const record of [`:100644 100644 ${oldId} ${newId} ${status}`, `\n:000000 100755 ${oldId} ${newId} ${status}`]) {
          expect(rawRowOf(record)).toMatchObject({ oldId, newId, status });
          expect(rawRowIdsOf(record)).toEqual([oldId, newId]);
        }
      }
    }
  });

  it('is not a row: a path, a commit header, an empty record', () => {
    for (const record of ['src/app.env', 'a path with spaces in it.txt', '\u0001abc\t2024-01-01T00:00:00Z\talice\t', '']) {
      expect(rawRowOf(record)).toBeUndefined();
      expect(rawRowIdsOf(record)).toBeUndefined();
    }
  });
});
