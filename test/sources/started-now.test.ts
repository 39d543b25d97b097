/**
 * `startedNow` (src/sources/git-history.ts) starts a history listing before the engine asks for it, and
 * must not hold on to what it has handed over: it once kept the first window of blobs (16,384 items)
 * alive to the end of every history scan. Checked with a real garbage collection and a weak reference.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { startedNow } from '../../src/sources/git-history.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

describe('startedNow', () => {
  it('starts the listing at once and yields every item in order', async () => {
    const started: string[] = [];
    async function* listing() {
      started.push('listing');
      for (const item of ['a', 'b', 'c']) yield item;
    }
    const { items } = startedNow(listing());
    await Promise.resolve();
    expect(started).toEqual(['listing']);
    const seen: string[] = [];
    for await (const item of items) seen.push(item);
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('lets go of the first item once it has handed it over', async () => {
    let firstItem: WeakRef<object> | undefined;
    // Made in a function of its own, so that no frame but startedNow's could keep it.
    const firstWindow = () => {
      const window = { window: new Array(16_384).fill('blob') };
      firstItem = new WeakRef(window);
      return window;
    };
    async function* listing() {
      yield firstWindow();
      yield { window: [] };
      // The listing goes on while the engine scans: the first window must be collectable by then.
      await new Promise((resolve) => setTimeout(resolve, 10));
      yield { window: [] };
    }
    const { items } = startedNow(listing());
    const iterator = items[Symbol.asyncIterator]();
    const take = async () => (await iterator.next()).done; // the window, handed over and dropped here
    expect(await take()).toBe(false);
    expect(await take()).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 0));
    collectGarbage();
    expect(firstItem!.deref()).toBeUndefined();
    await iterator.return?.();
  });
});
