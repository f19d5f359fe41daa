/**
 * Cache snapshots at turn boundaries, keyed by the token prefix they have consumed (meta excluded), with the
 * logits of their last position. Regenerating the last reply finds the snapshot after its prompt and needs no
 * prefill at all; editing the last user message or continuing a conversation resumes from the longest stored
 * prefix and prefills only the rest. Least recently used snapshots are evicted beyond `maxEntries`. Each entry
 * holds its own fork, released when it is replaced, evicted or cleared; a `longestPrefix` result stays owned
 * by the store (fork it to use it).
 */
import type { HybridCache } from './hybrid-cache.ts';

export interface Snapshot {
  readonly tokens: readonly number[];
  readonly cache: HybridCache;
  /** Logits [V] after the last token of `tokens`. */
  readonly logits: Float32Array;
}

export class SnapshotStore {
  private entries: Snapshot[] = [];

  constructor(
    private readonly maxEntries: number,
    /** Sliding window W: a one-token resume past W tokens would see a different window (§4), so it is skipped. */
    private readonly slidingWindow: number,
  ) {}

  /** Stores a fork of `cache`; replaces an entry with the same tokens. */
  put(tokens: readonly number[], cache: HybridCache, logits: Float32Array): void {
    const stored = { tokens: [...tokens], cache: cache.fork(), logits };
    for (const replaced of this.entries.filter((s) => sameTokens(s.tokens, tokens))) replaced.cache.release();
    this.entries = this.entries.filter((s) => !sameTokens(s.tokens, tokens));
    this.entries.push(stored);
    while (this.entries.length > this.maxEntries) this.entries.shift()?.cache.release();
  }

  /** The usable snapshot with the longest token prefix of `ids`, marked as recently used. */
  longestPrefix(ids: readonly number[]): Snapshot | undefined {
    let best: Snapshot | undefined;
    for (const snapshot of this.entries) {
      const n = snapshot.tokens.length;
      if (n > ids.length || (best && n <= best.tokens.length)) continue;
      if (ids.length - n === 1 && n >= this.slidingWindow) continue;
      if (isPrefix(snapshot.tokens, ids)) best = snapshot;
    }
    if (best) {
      this.entries = [...this.entries.filter((s) => s !== best), best];
    }
    return best;
  }

  get size(): number {
    return this.entries.length;
  }

  /** Drops every snapshot and lets go of its cache. */
  clear(): void {
    for (const snapshot of this.entries) snapshot.cache.release();
    this.entries = [];
  }
}

function isPrefix(prefix: readonly number[], ids: readonly number[]): boolean {
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== ids[i]) return false;
  return true;
}

const sameTokens = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && isPrefix(a, b);
