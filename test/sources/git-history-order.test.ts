/**
 * The order history blobs go to the workers in: each file's versions together (so each is scanned only
 * where it changed), and the files with the largest version first (so the threads finish together).
 */
import { describe, expect, it } from 'vitest';
import { scanOrder, type ListedObject } from '../../src/sources/git-history.js';

const blob = (id: string, path: string): ListedObject => ({ id, path });

describe('scanOrder', () => {
  it('keeps the versions of a file together, in the order git listed them, and puts the file with the largest version first', () => {
    const listed = [blob('a2', 'src/a.ts'), blob('big2', 'lib/bundle.js'), blob('b1', 'src/b.ts'), blob('a1', 'src/a.ts'), blob('big1', 'lib/bundle.js')];
    const sizes = new Map([
      ['a2', 300],
      ['a1', 200],
      ['b1', 100],
      ['big2', 9_000_000],
      ['big1', 10],
    ]);
    expect(scanOrder(listed, sizes).map((object) => object.id)).toEqual(['big2', 'big1', 'a2', 'a1', 'b1']);
  });

  it('orders files of the same size by path, and counts a blob of no known size (missing from the repository) as empty', () => {
    const listed = [blob('z', 'z.txt'), blob('gone', 'a-missing.txt'), blob('m', 'm.txt'), blob('y', 'y.txt')];
    const sizes = new Map([
      ['z', 50],
      ['m', 50],
      ['y', 60],
    ]);
    expect(scanOrder(listed, sizes).map((object) => object.id)).toEqual(['y', 'm', 'z', 'gone']);
  });
});
