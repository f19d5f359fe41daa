/**
 * A small seeded PRNG for synthetic weights: xoshiro128** (32-bit state words), seeded through
 * splitmix32. Deterministic across platforms (integer arithmetic only), fast enough to draw the
 * ~1.5 billion values of a full-size Hymba checkpoint.
 */

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** FNV-1a hash of a string (used to give every tensor its own stream). */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal = 0;
  private hasSpare = false;

  /** `seed` is any safe integer; `stream` separates independent sequences under one seed. */
  constructor(seed: number, stream = 0) {
    const state = { s: (seed >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32) | 0, 0x27d4eb2d) ^ Math.imul(stream | 0, 0x165667b1) };
    this.a = splitmix32(state);
    this.b = splitmix32(state);
    this.c = splitmix32(state);
    this.d = splitmix32(state) | 1; // never the all-zero state
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform in (0, 1]: never 0, so log() is safe. */
  nextUnit(): number {
    return (this.nextUint32() + 1) / 4294967296;
  }

  uniform(low: number, high: number): number {
    return low + (high - low) * this.nextUnit();
  }

  /** One standard normal (Marsaglia's polar method; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spareNormal;
    }
    const [first, second] = this.normalPair();
    this.spareNormal = second;
    this.hasSpare = true;
    return first;
  }

  /** Fills `out` with mean + std · N(0, 1), two values per accepted pair (faster than calling normal()). */
  fillNormal(out: Float32Array, mean: number, std: number): void {
    let i = 0;
    if (this.hasSpare && out.length > 0) {
      out[i++] = mean + std * this.spareNormal;
      this.hasSpare = false;
    }
    while (i + 1 < out.length) {
      const u = 2 * this.nextUnit() - 1;
      const v = 2 * this.nextUnit() - 1;
      const radius2 = u * u + v * v;
      if (radius2 >= 1 || radius2 === 0) continue;
      const factor = std * Math.sqrt((-2 * Math.log(radius2)) / radius2);
      out[i++] = mean + u * factor;
      out[i++] = mean + v * factor;
    }
    if (i < out.length) out[i] = mean + std * this.normal();
  }

  /** Two independent standard normals from a point drawn uniformly in the unit disc. */
  private normalPair(): [number, number] {
    for (;;) {
      const u = 2 * this.nextUnit() - 1;
      const v = 2 * this.nextUnit() - 1;
      const s = u * u + v * v;
      if (s >= 1 || s === 0) continue;
      const factor = Math.sqrt((-2 * Math.log(s)) / s);
      return [u * factor, v * factor];
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
