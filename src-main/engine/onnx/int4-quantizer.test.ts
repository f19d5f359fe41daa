import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createInt4Quantizer, serialInt4Quantizer } from './int4-quantizer.ts';
import { quantizeInt4, quantizeInt4Kernel } from './weight-encoding.ts';

function randomMatrix(rows: number, cols: number, seed: number): Float32Array {
  const values = new Float32Array(rows * cols);
  let x = seed;
  for (let i = 0; i < values.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    values[i] = (x / 2 ** 32 - 0.5) * (i % 11 === 0 ? 2 : 0.1);
  }
  values.fill(0, 0, 64); // an all-zero block (scale 0) too
  return values;
}

test('the quantization kernel is self-contained: evaluated on its own source it gives the same bytes', () => {
  const isolated = new Function(`return (${quantizeInt4Kernel.toString()});`)() as typeof quantizeInt4Kernel;
  const values = randomMatrix(40, 100, 3); // cols 100: a ragged last block
  assert.deepEqual(isolated(values, 40, 100), quantizeInt4Kernel(values, 40, 100));
});

test('the worker pool gives the bytes of the single-thread quantizer, ragged blocks and uneven row splits included', async () => {
  const rows = 10_007;
  const cols = 110;
  const values = randomMatrix(rows, cols, 9);
  const pool = createInt4Quantizer(3);
  try {
    assert.notEqual(pool, serialInt4Quantizer);
    const parallel = await pool.quantize(values, rows, cols);
    const serial = quantizeInt4(values, rows, cols);
    assert.deepEqual(parallel, serial);
    const again = await pool.quantize(values.subarray(0, 50 * cols), 50, cols); // small: stays on this thread
    assert.deepEqual(again, quantizeInt4(values.subarray(0, 50 * cols), 50, cols));
  } finally {
    await pool.close();
  }
});

test('fewer than two workers means the calling thread', () => {
  assert.equal(createInt4Quantizer(1), serialInt4Quantizer);
});
