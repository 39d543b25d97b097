/**
 * The batches the main thread has handed to the worker pool and not yet had back, counted in batches and
 * in bytes the main thread holds for them. Past either limit the sender waits, so a source faster than
 * the scan cannot queue everything it lists in memory; it waits for whichever batch comes back first,
 * never for the oldest. Waiting for the oldest, one slow batch (a large minified file) held the sender
 * while the other worker emptied the queue and sat idle, a tenth of a second at a time.
 */
export class InFlightBatches {
  private readonly pending = new Set<Promise<void>>();
  private bytes = 0;
  private failure: { error: unknown } | undefined;
  private batchReturned: (() => void) | undefined;

  constructor(
    private readonly maxBatches: number,
    private readonly maxBytes: number,
  ) {}

  /** Tracks one batch; the first failure among the batches is thrown by the next `room` or `drain`. */
  add(done: Promise<unknown>, bytes: number): void {
    const settled: Promise<void> = done.then(
      () => undefined,
      (error: unknown) => {
        this.failure ??= { error };
      },
    );
    this.pending.add(settled);
    this.bytes += bytes;
    void settled.then(() => {
      this.pending.delete(settled);
      this.bytes -= bytes;
      this.batchReturned?.();
    });
  }

  /** Resolves once there is room for another batch of `bytes` (any batch, when none is out). One sender at a time. */
  async room(bytes = 0): Promise<void> {
    while (!this.failure && this.pending.size > 0 && (this.pending.size >= this.maxBatches || this.bytes + bytes > this.maxBytes)) {
      await new Promise<void>((resolve) => (this.batchReturned = resolve));
    }
    if (this.failure) throw this.failure.error;
  }

  /** Resolves once every batch is back. */
  async drain(): Promise<void> {
    await Promise.all(this.pending);
    if (this.failure) throw this.failure.error;
  }

  get size(): number {
    return this.pending.size;
  }
}
