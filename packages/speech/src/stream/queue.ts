/**
 * Values handed over as they come (`put`), read in order by one async iterator that waits while the queue is
 * empty and ends once it is closed and drained, throwing the error it was closed with, if any. Unbounded: what
 * the reader has not taken yet is held (live audio is a few kB a second).
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private head = 0;
  private closed = false;
  private failure: { error: unknown } | undefined;
  private wake: (() => void) | undefined;

  get isClosed(): boolean {
    return this.closed;
  }

  put(value: T): void {
    this.items.push(value);
    this.notify();
  }

  /** No more values: the reader gets what is queued, then the end (or `error`). A second call does nothing. */
  close(error?: { error: unknown }): void {
    if (this.closed) return;
    this.closed = true;
    this.failure = error;
    this.notify();
  }

  /** Closed at once, what is queued dropped. */
  discard(): void {
    this.items = [];
    this.head = 0;
    this.close();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      if (this.head < this.items.length) {
        const value = this.items[this.head++]!;
        // Taken values are let go in batches, not shifted one by one (a shift is O(n)).
        if (this.head > 1024) (this.items = this.items.slice(this.head)), (this.head = 0);
        yield value;
      } else if (this.closed) {
        if (this.failure) throw this.failure.error;
        return;
      } else {
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    }
  }
}
