/**
 * safetensors dtypes and the exact conversions between float32 and the 16-bit float formats.
 *
 * Widening (bf16 → f32, f16 → f32) is exact for every bit pattern, NaN payloads included.
 * Narrowing (f32 → bf16, f32 → f16) rounds to nearest, ties to even; NaN stays NaN (quiet),
 * overflow becomes ±Infinity, and f16 produces subnormals below 2^-14.
 */
import type { StoredDtype } from './tensor-source.ts';

/** Bytes per element of every dtype the safetensors format defines (the reader parses them all). */
export const DTYPE_BYTES: Readonly<Record<string, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U64: 8,
  U32: 4,
  U16: 2,
  U8: 1,
  BOOL: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
};

export const STORED_DTYPES: readonly StoredDtype[] = ['F32', 'F16', 'BF16'];

export function isStoredDtype(dtype: string): dtype is StoredDtype {
  return (STORED_DTYPES as readonly string[]).includes(dtype);
}

const scratch = new DataView(new ArrayBuffer(4));

function float32Bits(value: number): number {
  scratch.setFloat32(0, value, true);
  return scratch.getUint32(0, true);
}

/** bf16 bits → float32 value (exact: bf16 is the top half of a float32). */
export function bf16ToFloat32(bits: number): number {
  scratch.setUint32(0, (bits & 0xffff) << 16, true);
  return scratch.getFloat32(0, true);
}

/** f16 bits → float32 value (exact, subnormals and NaN payloads included). */
export function f16ToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) {
    if (mantissa === 0) return sign * Infinity;
    // Keep the payload: f16 mantissa bits become the top of the float32 mantissa.
    scratch.setUint32(0, ((bits & 0x8000) << 16) | 0x7f800000 | (mantissa << 13), true);
    return scratch.getFloat32(0, true);
  }
  return sign * (1024 + mantissa) * 2 ** (exponent - 25);
}

/** float32 value → bf16 bits, round to nearest even. */
export function float32ToBf16(value: number): number {
  const bits = float32Bits(value);
  if ((bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0) return ((bits >>> 16) | 0x40) & 0xffff;
  const rounded = bits + 0x7fff + ((bits >>> 16) & 1);
  return (rounded >>> 16) & 0xffff;
}

/** float32 value → f16 bits, round to nearest even (overflow → ±Infinity, underflow → subnormal or ±0). */
export function float32ToF16(value: number): number {
  const bits = float32Bits(value);
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return mantissa === 0 ? sign | 0x7c00 : sign | 0x7e00 | (mantissa >>> 13);
  const magnitude = Math.abs(Math.fround(value));
  if (magnitude >= 65520) return sign | 0x7c00; // 65520 = max f16 + half an ulp: rounds up to infinity
  if (magnitude < 2 ** -14) {
    // Subnormal range: value / 2^-24 rounded to an integer, ties to even (exact in float64).
    const units = magnitude * 2 ** 24;
    let whole = Math.floor(units);
    const fraction = units - whole;
    if (fraction > 0.5 || (fraction === 0.5 && whole % 2 === 1)) whole += 1;
    return sign | whole; // whole may reach 0x400, which is exactly the smallest normal
  }
  const halfExponent = exponent - 127 + 15;
  let halfMantissa = mantissa >>> 13;
  const rest = mantissa & 0x1fff;
  let result = (halfExponent << 10) | halfMantissa;
  if (rest > 0x1000 || (rest === 0x1000 && (halfMantissa & 1) === 1)) {
    halfMantissa += 1;
    result += 1; // a mantissa carry rolls into the exponent, which is the correct result
  }
  return sign | result;
}

let f16Table: Float32Array | undefined;

/** All 65536 f16 values, built once: decoding a tensor is then one lookup per element. */
function f16Lookup(): Float32Array {
  if (!f16Table) {
    f16Table = new Float32Array(65536);
    for (let bits = 0; bits < 65536; bits++) f16Table[bits] = f16ToFloat32(bits);
  }
  return f16Table;
}

/** Decodes little-endian stored bytes of a float tensor into a fresh Float32Array. */
export function decodeToFloat32(bytes: Uint8Array, dtype: StoredDtype): Float32Array {
  const count = bytes.byteLength / (dtype === 'F32' ? 4 : 2);
  const out = new Float32Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dtype === 'F32') {
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  } else if (dtype === 'BF16') {
    const outBits = new Uint32Array(out.buffer);
    for (let i = 0; i < count; i++) outBits[i] = view.getUint16(i * 2, true) << 16;
  } else {
    const table = f16Lookup();
    for (let i = 0; i < count; i++) out[i] = table[view.getUint16(i * 2, true)]!;
  }
  return out;
}

/** Encodes float32 values into little-endian bytes of the given stored dtype. */
export function encodeFromFloat32(values: Float32Array, dtype: StoredDtype): Uint8Array {
  const width = dtype === 'F32' ? 4 : 2;
  const out = new Uint8Array(values.length * width);
  const view = new DataView(out.buffer);
  if (dtype === 'F32') {
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  } else if (dtype === 'BF16') {
    const inBits = new Uint32Array(values.buffer, values.byteOffset, values.length);
    for (let i = 0; i < values.length; i++) {
      const bits = inBits[i]!;
      const isNaN = (bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0;
      const half = isNaN ? ((bits >>> 16) | 0x40) & 0xffff : ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
      view.setUint16(i * 2, half, true);
    }
  } else {
    for (let i = 0; i < values.length; i++) view.setUint16(i * 2, float32ToF16(values[i]!), true);
  }
  return out;
}
