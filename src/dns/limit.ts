// A small counting semaphore: at most `max` queries on the wire at once, so a message with many DKIM
// signatures or a batch cannot flood a resolver. A waiter whose deadline passes leaves the queue unsent.

export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** The highest number of slots ever held at once (for tests and the benchmark). */
  peak = 0;

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError('concurrency must be a positive integer');
  }

  /** Resolves with a release function; rejects with the signal's reason if aborted while waiting. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.active < this.max) return Promise.resolve(this.take());
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(this.take());
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(grant);
        if (i !== -1) this.waiting.splice(i, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(grant);
    });
  }

  private take(): () => void {
    this.active++;
    this.peak = Math.max(this.peak, this.active);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.waiting.shift()?.();
    };
  }
}
