/**
 * One generation at a time on the shared engine: a turn is held by one request while the others wait in a
 * bounded FIFO. A full queue refuses at once (the server answers 429); an aborted waiter leaves the queue.
 */

/** Gives the turn to the next waiter; calling it twice is harmless. */
export type ReleaseTurn = () => void;

export type TurnResult =
  | { readonly ok: true; readonly release: ReleaseTurn }
  | { readonly ok: false; readonly reason: 'full' | 'aborted' };

interface Waiter {
  readonly grant: (release: ReleaseTurn) => void;
}

export class RequestQueue {
  private busy = false;
  private readonly waiters: Waiter[] = [];

  /** @param limit how many requests may wait behind the running one (0: none may wait). */
  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`queue limit must be an integer >= 0, got ${limit}`);
  }

  /** Requests waiting for their turn (the running one not counted). */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Whether a request holds the turn. */
  get running(): boolean {
    return this.busy;
  }

  /** Resolves when it is this request's turn, at once with 'full', or with 'aborted' when `signal` fires first. */
  acquire(signal: AbortSignal): Promise<TurnResult> {
    if (signal.aborted) return Promise.resolve({ ok: false, reason: 'aborted' });
    if (!this.busy) {
      this.busy = true;
      return Promise.resolve({ ok: true, release: this.releaser() });
    }
    if (this.waiters.length >= this.limit) return Promise.resolve({ ok: false, reason: 'full' });
    return new Promise((resolve) => {
      const onAbort = (): void => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        resolve({ ok: false, reason: 'aborted' });
      };
      const waiter: Waiter = {
        grant: (release) => {
          signal.removeEventListener('abort', onAbort);
          resolve({ ok: true, release });
        },
      };
      this.waiters.push(waiter);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private releaser(): ReleaseTurn {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next.grant(this.releaser());
      else this.busy = false;
    };
  }
}
