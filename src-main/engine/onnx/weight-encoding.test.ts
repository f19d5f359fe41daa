import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dequantizeInt4, fromHalfBits, INT4_BLOCK, int4ZeroPoint, quantizeInt4, roundThroughFloat16, toHalfBits, transpose } from './weight-encoding.ts';

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

test('int4: low nibble holds the even column, min and max span 15 steps, zero points packed low nibble first', () => {
  const cols = 2 * INT4_BLOCK;
  // Block 0 spans [-1, 14] (scale 1, zp 1); block 1 spans [0, 30] (scale 2, zp 0).
  const row = Float32Array.from({ length: cols }, (_, k) => (k === 0 ? -1 : k === 1 ? 14 : k === 2 ? 3 : k === 32 ? 30 : k === 33 ? 4 : 0));
  const q = quantizeInt4(row, 1, cols);
  assert.deepEqual([...q.scales], [1, 2]);
  assert.deepEqual([...q.zeroPoints], [1 | (0 << 4)]);
  assert.equal(q.packed[0], 0 | (15 << 4)); // k=0: -1 → 0 (low), k=1: 14 → 15 (high)
  assert.equal(q.packed[1], 4 | (1 << 4)); // k=2: 3 → 4, k=3: 0 → zp 1
  assert.equal(q.packed[16], 15 | (2 << 4)); // block 1: 30 → 15, 4 → 2
  assert.deepEqual([...dequantizeInt4(q)], [...row]);
});

test('int4: odd block count packs the last zero point alone, ragged last block padded with its zero point', () => {
  const rows = 2;
  const cols = 72; // 2 full blocks + 8 columns
  const values = Float32Array.from({ length: rows * cols }, (_, i) => 1 + (i % 5));
  const q = quantizeInt4(values, rows, cols);
  assert.equal(q.blocks, 3);
  assert.equal(q.zeroPoints.length, rows * 2);
  for (let r = 0; r < rows; r++) {
    assert.equal(q.zeroPoints[r * 2 + 1]! >> 4, 0, 'no fourth block');
    const zp = int4ZeroPoint(q, r, 2);
    const last = (r * 3 + 2) * 16;
    for (let j = 4; j < 16; j++) assert.equal(q.packed[last + j], zp | (zp << 4), `padding byte ${j}`);
  }
});

test('int4: per-block squared error no worse than the plain min/max grid, and below symmetric absmax on skewed blocks', () => {
  const rows = 3;
  const cols = 80; // 2.5 blocks
  // Skewed values (mostly positive): an absmax grid centred on zero wastes half its levels.
  const values = Float32Array.from({ length: rows * cols }, (_, i) => 0.5 + Math.sin(i * 1.7) * (1 + (i % 7)) * 0.3 + (i % 3));
  const q = quantizeInt4(values, rows, cols);
  const back = dequantizeInt4(q);
  let total = 0;
  let symmetricTotal = 0;
  for (let r = 0; r < rows; r++) {
    for (let b = 0; b < q.blocks; b++) {
      const start = r * cols + b * INT4_BLOCK;
      const count = Math.min(INT4_BLOCK, cols - b * INT4_BLOCK);
      const block = values.subarray(start, start + count);
      const min = Math.min(0, ...block);
      const max = Math.max(0, ...block);
      const step = (max - min) / 15;
      const absmax = Math.max(-min, max);
      let error = 0;
      let symmetric = 0;
      for (let j = 0; j < count; j++) {
        error += (back[start + j]! - block[j]!) ** 2;
        const s = absmax / 8;
        symmetric += (Math.max(-8, Math.min(7, Math.round(block[j]! / s))) * s - block[j]!) ** 2;
      }
      // The plain grid errs by at most one step per value (half a step from rounding the zero point).
      assert.ok(error <= count * step * step * 1.0001, `row ${r} block ${b}: ${error} vs ${count * step * step}`);
      total += error;
      symmetricTotal += symmetric;
    }
  }
  assert.ok(total < symmetricTotal * 0.5, `asymmetric ${total} vs symmetric ${symmetricTotal}`);
});

test('transpose swaps rows and columns', () => {
  assert.deepEqual([...transpose(Float32Array.from([1, 2, 3, 4, 5, 6]), 2, 3)], [1, 4, 2, 5, 3, 6]);
});
