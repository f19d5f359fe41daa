/**
 * Streamed tokens reach the store at most once per frame. A fast model emits hundreds of tokens a second;
 * applying each one re-renders the reply, and once a render takes longer than the gap between tokens the
 * page falls behind for good and stops answering input. The batcher collects tokens and applies them in
 * one store update per frame; anything that ends or reshapes a reply flushes first, so order is kept.
 */
import type { TokenEvent } from '../../src-main/contract/ipc.ts';

/** Runs a callback at the next frame (requestAnimationFrame in a page, a short timer elsewhere). */
export type FrameScheduler = (callback: () => void) => void;

export const nextFrame: FrameScheduler = (callback) => {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => callback());
  else setTimeout(callback, 16);
};

export interface TokenBatcher {
  push(event: TokenEvent): void;
  /** Applies what is pending now (before an event that ends or changes a reply). */
  flush(): void;
  /** Drops what is pending; later pushes are ignored. */
  close(): void;
}

export function createTokenBatcher(apply: (events: readonly TokenEvent[]) => void, schedule: FrameScheduler = nextFrame): TokenBatcher {
  let pending: TokenEvent[] = [];
  let scheduled = false;
  let closed = false;
  const flush = (): void => {
    if (pending.length === 0) return;
    const events = pending;
    pending = [];
    apply(events);
  };
  return {
    push(event) {
      if (closed) return;
      pending.push(event);
      if (scheduled) return;
      scheduled = true;
      schedule(() => {
        scheduled = false;
        if (!closed) flush();
      });
    },
    flush,
    close() {
      closed = true;
      pending = [];
    },
  };
}
