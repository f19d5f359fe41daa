import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dequantizeInt4, fromHalfBits, INT4_BLOCK, quantizeInt4, roundThroughFloat16, toHalfBits, transpose } from './weight-encoding.ts';

test('float16 encoding: exact values, rounding to nearest even, overflow and subnormals', () => {
  assert.equal(toHalfBits(1), 0x3c00);
  assert.equal(toHalfBits(-2), 0xc000);
  assert.equal(toHalfBits(65504), 0x7bff);
  assert.equal(toHalfBits(70000), 0x7c00);
  assert.equal(toHalfBits(2 ** -24), 0x0001);
  assert.equal(toHalfBits(2 ** -26), 0x0000);
  // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties go to the even mantissa (1).
  assert.equal(toHalfBits(1 + 2 ** -11), 0x3c00);
  assert.equal(toHalfBits(1 + 3 * 2 ** -11), 0x3c02);
  for (const v of [0.1, -3.14159, 1e-5, 1234.5]) {
    const back = fromHalfBits(toHalfBits(v));
    assert.ok(Math.abs(back - v) <= Math.abs(v) * 2 ** -11 + 2 ** -25, `${v} -> ${back}`);
  }
  assert.deepEqual([...roundThroughFloat16(Float32Array.from([0.5, 3]))], [0.5, 3]);
});

test('int4: low nibble holds the even column, the largest magnitude maps to -8, zero point 8', () => {
  const cols = INT4_BLOCK;
  const row = Float32Array.from({ length: cols }, (_, k) => (k === 0 ? -8 : k === 1 ? 7 : k === 2 ? 1 : 0));
  const q = quantizeInt4(row, 1, cols);
  assert.equal(q.scales[0], 1);
  assert.equal(q.packed[0], 0 | (15 << 4)); // k=0: -8 → 0 (low), k=1: 7 → 15 (high)
  assert.equal(q.packed[1], 9 | (8 << 4)); // k=2: 1 → 9, k=3: 0 → 8
  assert.deepEqual([...dequantizeInt4(q)], [...row]);
});

test('int4: round-trip error stays within half a step per block, ragged last block padded', () => {
  const rows = 3;
  const cols = 80; // 2.5 blocks
  const values = Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 1.7) * (1 + (i % 7)));
  const q = quantizeInt4(values, rows, cols);
  assert.equal(q.blocks, 3);
  assert.equal(q.packed.length, rows * 3 * 16);
  const back = dequantizeInt4(q);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const scale = Math.abs(q.scales[r * 3 + Math.floor(c / 32)]!);
      const error = Math.abs(back[r * cols + c]! - values[r * cols + c]!);
      // -8·s is the extreme; values up to +8·s clamp to 7·s (one step), everything else rounds (half a step).
      assert.ok(error <= scale * 1.0001, `row ${r} col ${c}: error ${error} scale ${scale}`);
    }
  }
});

test('transpose swaps rows and columns', () => {
  assert.deepEqual([...transpose(Float32Array.from([1, 2, 3, 4, 5, 6]), 2, 3)], [1, 4, 2, 5, 3, 6]);
});
