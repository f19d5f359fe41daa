/**
 * A small seeded pseudo-random generator (xoshiro128**, seeded through splitmix32) so that the same
 * seed always samples the same tokens, on every platform.
 */
export interface RandomSource {
  /** Uniform in [0, 1). */
  next(): number;
}

function splitmix32(state: number): [number, number] {
  const s = (state + 0x9e3779b9) | 0;
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [s, (z ^ (z >>> 16)) >>> 0];
}

export function seededRandom(seed: number): RandomSource {
  let s = seed >>> 0;
  const words: number[] = [];
  for (let i = 0; i < 4; i++) {
    const [next, value] = splitmix32(s);
    s = next;
    words.push(value);
  }
  let [a, b, c, d] = words as [number, number, number, number];
  return {
    next(): number {
      const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
      const t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = rotl(d, 11);
      return result / 4294967296;
    },
  };
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

/** A seed for requests that did not ask for one. */
export const randomSeed = (): number => Math.floor(Math.random() * 2 ** 32);
