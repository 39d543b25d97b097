import { describe, expect, it } from 'vitest';
import { InFlightBatches } from '../../src/engine/in-flight-batches.js';

/** A promise settled from outside, as a worker's answer to a batch is. */
function answer() {
  let settle!: { resolve: () => void; reject: (error: Error) => void };
  const promise = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  return { promise, ...settle };
}

/** Whether `promise` settles within a few turns of the event loop. */
async function settlesSoon(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

describe('batches in flight', () => {
  it('make the sender wait once the limit is reached, until whichever batch comes back first', async () => {
    const inFlight = new InFlightBatches(3, Number.POSITIVE_INFINITY);
    const slowOldest = answer();
    const second = answer();
    const third = answer();
    inFlight.add(slowOldest.promise, 0);
    inFlight.add(second.promise, 0);
    inFlight.add(third.promise, 0);
    const room = inFlight.room();
    expect(await settlesSoon(room)).toBe(false);
    // The newest comes back while the oldest is still out: that is room enough.
    third.resolve();
    expect(await settlesSoon(room)).toBe(true);
    expect(inFlight.size).toBe(2);
    slowOldest.resolve();
    second.resolve();
    await inFlight.drain();
    expect(inFlight.size).toBe(0);
  });

  it('count the bytes the main thread holds for them', async () => {
    const inFlight = new InFlightBatches(100, 1000);
    const first = answer();
    inFlight.add(first.promise, 600);
    expect(await settlesSoon(inFlight.room(300))).toBe(true);
    const room = inFlight.room(500);
    expect(await settlesSoon(room)).toBe(false);
    first.resolve();
    expect(await settlesSoon(room)).toBe(true);
    // A batch larger than the limit still goes, alone.
    expect(await settlesSoon(inFlight.room(5000))).toBe(true);
  });

  it('pass the first failure on to the sender, whether it waits for room or for the end', async () => {
    const inFlight = new InFlightBatches(1, Number.POSITIVE_INFINITY);
    const failing = answer();
    inFlight.add(failing.promise, 0);
    const room = inFlight.room();
    failing.reject(new Error('worker crashed twice'));
    await expect(room).rejects.toThrow('worker crashed twice');
    await expect(inFlight.drain()).rejects.toThrow('worker crashed twice');
  });
});
