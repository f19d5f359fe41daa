import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bf16ToFloat32, decodeToFloat32, encodeFromFloat32, f16ToFloat32, float32ToBf16, float32ToF16 } from './dtype.ts';

const bytesOf16 = (bits: number[]): Uint8Array => {
  const out = new Uint8Array(bits.length * 2);
  bits.forEach((b, i) => new DataView(out.buffer).setUint16(i * 2, b, true));
  return out;
};

test('bf16 widening is exact for specials, subnormals and normals', () => {
  assert.equal(bf16ToFloat32(0x3f80), 1);
  assert.equal(bf16ToFloat32(0xc000), -2);
  assert.equal(bf16ToFloat32(0x7f80), Infinity);
  assert.equal(bf16ToFloat32(0xff80), -Infinity);
  assert.ok(Number.isNaN(bf16ToFloat32(0x7fc0)));
  assert.ok(Object.is(bf16ToFloat32(0x8000), -0));
  assert.equal(bf16ToFloat32(0x0001), 2 ** -133); // smallest bf16 subnormal
  assert.equal(bf16ToFloat32(0x7f7f), 3.3895313892515355e38); // largest finite bf16
});

test('f16 widening is exact for specials, subnormals and normals', () => {
  assert.equal(f16ToFloat32(0x3c00), 1);
  assert.equal(f16ToFloat32(0x7bff), 65504);
  assert.equal(f16ToFloat32(0x0001), 2 ** -24);
  assert.equal(f16ToFloat32(0x03ff), 1023 * 2 ** -24);
  assert.equal(f16ToFloat32(0x0400), 2 ** -14);
  assert.equal(f16ToFloat32(0xfc00), -Infinity);
  assert.ok(Number.isNaN(f16ToFloat32(0x7e00)));
  assert.ok(Number.isNaN(f16ToFloat32(0x7c01)));
  assert.ok(Object.is(f16ToFloat32(0x8000), -0));
  assert.equal(f16ToFloat32(0x3555), 0.333251953125);
});

test('every f16 and bf16 bit pattern round-trips through float32 (NaN stays NaN)', () => {
  for (let bits = 0; bits < 65536; bits++) {
    const isF16NaN = (bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0;
    if (isF16NaN) assert.ok(Number.isNaN(f16ToFloat32(bits)));
    else assert.equal(float32ToF16(f16ToFloat32(bits)), bits, `f16 ${bits.toString(16)}`);
    const isBf16NaN = (bits & 0x7f80) === 0x7f80 && (bits & 0x7f) !== 0;
    if (isBf16NaN) assert.ok(Number.isNaN(bf16ToFloat32(float32ToBf16(bf16ToFloat32(bits)))));
    else assert.equal(float32ToBf16(bf16ToFloat32(bits)), bits, `bf16 ${bits.toString(16)}`);
  }
});

test('narrowing rounds to nearest, ties to even', () => {
  // bf16 has 8 significant bits: 1 + 2^-8 is halfway between 1 and 1 + 2^-7 → even (1).
  assert.equal(float32ToBf16(1 + 2 ** -8), 0x3f80);
  assert.equal(float32ToBf16(1 + 3 * 2 ** -8), 0x3f82); // halfway between 0x3f81 and 0x3f82 → even
  assert.equal(float32ToBf16(1 + 2 ** -8 + 2 ** -20), 0x3f81); // above halfway → up
  assert.equal(float32ToBf16(3.4e38), 0x7f80); // rounds past the largest finite → Infinity
  // f16 has 11 significant bits.
  assert.equal(float32ToF16(1 + 2 ** -11), 0x3c00);
  assert.equal(float32ToF16(1 + 3 * 2 ** -11), 0x3c02);
  assert.equal(float32ToF16(65519), 0x7bff);
  assert.equal(float32ToF16(65520), 0x7c00);
  assert.equal(float32ToF16(-1e6), 0xfc00);
  assert.equal(float32ToF16(2 ** -25), 0x0000); // halfway to the smallest subnormal → even (0)
  assert.equal(float32ToF16(3 * 2 ** -25), 0x0002); // 1.5 units → 2
  assert.equal(float32ToF16(2 ** -14 - 2 ** -26), 0x0400); // rounds up into the smallest normal
  assert.equal(float32ToF16(1e-10), 0x0000);
  assert.ok((float32ToF16(NaN) & 0x7c00) === 0x7c00 && (float32ToF16(NaN) & 0x3ff) !== 0);
  assert.equal(float32ToF16(-0), 0x8000);
});

test('tensor decode and encode agree with the scalar conversions', () => {
  const values = new Float32Array([0, -0, 1, -2.5, 1e-7, 3.14159, 65504, Infinity, -Infinity, NaN, 1 + 2 ** -8]);
  for (const dtype of ['F32', 'F16', 'BF16'] as const) {
    const decoded = decodeToFloat32(encodeFromFloat32(values, dtype), dtype);
    values.forEach((v, i) => {
      const expected = dtype === 'F32' ? v : dtype === 'F16' ? f16ToFloat32(float32ToF16(v)) : bf16ToFloat32(float32ToBf16(v));
      assert.ok(Object.is(decoded[i], Math.fround(expected)), `${dtype}[${i}]: ${decoded[i]} vs ${expected}`);
    });
  }
  assert.deepEqual([...decodeToFloat32(bytesOf16([0x3c00, 0x0001, 0xfc00]), 'F16')], [1, 2 ** -24, -Infinity]);
  assert.deepEqual([...decodeToFloat32(bytesOf16([0x3f80, 0x0001]), 'BF16')], [1, 2 ** -133]);
});
