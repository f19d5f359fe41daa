/**
 * Parses and validates a safetensors header.
 *
 * File layout: u64 little-endian N | N bytes of JSON | data. The JSON maps tensor names to
 * { dtype, shape, data_offsets: [begin, end] } (offsets relative to the start of the data) and may
 * hold one `__metadata__` object of string → string. Every rule is checked and broken ones are
 * reported as CHECKPOINT_INVALID naming the file and, where there is one, the tensor.
 */
import { AppFailure, appError } from '../../contract/errors.ts';
import { DTYPE_BYTES } from './dtype.ts';

/** One tensor entry of a safetensors header, offsets made absolute within the file. */
export interface SafetensorsEntry {
  readonly name: string;
  /** Any safetensors dtype (F32, BF16, I64, …); float-only consumers check it themselves. */
  readonly dtype: string;
  readonly shape: readonly number[];
  /** Absolute byte offset of the first byte in the file. */
  readonly fileOffset: number;
  readonly byteLength: number;
}

export interface SafetensorsHeader {
  /** Tensors in header order. */
  readonly entries: readonly SafetensorsEntry[];
  readonly metadata: Readonly<Record<string, string>>;
  /** 8 + N: where the data section starts. */
  readonly dataStart: number;
}

/** The reference implementation refuses headers above 100 MB; so do we (a corrupt length would allocate it). */
export const MAX_HEADER_BYTES = 100_000_000;

function invalid(file: string, message: string, tensor?: string): never {
  const details: Record<string, unknown> = { file };
  if (tensor !== undefined) details.tensor = tensor;
  const where = tensor === undefined ? file : `${file}: tensor "${tensor}"`;
  throw new AppFailure(appError('CHECKPOINT_INVALID', `${where}: ${message}`, details));
}

/** Reads N from the first 8 bytes and checks it against the file size. Throws AppFailure. */
export function headerLength(prefix: Uint8Array, fileSize: number, file: string): number {
  if (fileSize < 8 || prefix.byteLength < 8) invalid(file, `file is ${fileSize} bytes, too short for a safetensors header`);
  const length = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (length > BigInt(fileSize - 8)) invalid(file, `header length ${length} runs past the end of the ${fileSize}-byte file`);
  if (length > BigInt(MAX_HEADER_BYTES)) invalid(file, `header length ${length} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  if (length < 2n) invalid(file, `header length ${length} is too small to hold a JSON object`);
  return Number(length);
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function parseEntry(file: string, name: string, raw: unknown, dataLength: number, dataStart: number): SafetensorsEntry {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) invalid(file, 'entry must be an object', name);
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (typeof dtype !== 'string') invalid(file, `dtype must be a string, got ${JSON.stringify(dtype)}`, name);
  const width = DTYPE_BYTES[dtype];
  if (width === undefined) invalid(file, `unknown dtype "${dtype}"`, name);
  if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger)) {
    invalid(file, `shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`, name);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger)) {
    invalid(file, `data_offsets must be [begin, end] non-negative integers, got ${JSON.stringify(offsets)}`, name);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) invalid(file, `data_offsets [${begin}, ${end}] end before they begin`, name);
  if (end > dataLength) invalid(file, `data_offsets [${begin}, ${end}] run past the ${dataLength}-byte data section`, name);
  const elements = (shape as number[]).reduce((a, b) => a * b, 1);
  if (elements * width !== end - begin) {
    invalid(file, `${dtype} ${JSON.stringify(shape)} needs ${elements * width} bytes but data_offsets span ${end - begin}`, name);
  }
  return { name, dtype, shape: shape as number[], fileOffset: dataStart + begin, byteLength: end - begin };
}

function parseMetadata(file: string, raw: unknown): Record<string, string> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) invalid(file, '__metadata__ must be an object of strings');
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== 'string') invalid(file, `__metadata__.${key} must be a string, got ${JSON.stringify(value)}`);
  }
  return raw as Record<string, string>;
}

/** Validates the JSON header bytes (already read) against the file size. Throws AppFailure. */
export function parseHeader(json: Uint8Array, fileSize: number, file: string): SafetensorsHeader {
  const dataStart = 8 + json.byteLength;
  const dataLength = fileSize - dataStart;
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch (caught) {
    invalid(file, `header is not valid UTF-8 JSON (${caught instanceof Error ? caught.message : String(caught)})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) invalid(file, 'header must be a JSON object');
  let metadata: Record<string, string> = {};
  const entries: SafetensorsEntry[] = [];
  for (const [name, raw] of Object.entries(parsed)) {
    if (name === '__metadata__') metadata = parseMetadata(file, raw);
    else entries.push(parseEntry(file, name, raw, dataLength, dataStart));
  }
  const byOffset = [...entries].sort((a, b) => a.fileOffset - b.fileOffset || a.byteLength - b.byteLength);
  for (let i = 1; i < byOffset.length; i++) {
    const previous = byOffset[i - 1]!;
    const current = byOffset[i]!;
    if (current.fileOffset < previous.fileOffset + previous.byteLength && current.byteLength > 0) {
      invalid(file, `data overlaps tensor "${previous.name}"`, current.name);
    }
  }
  return { entries, metadata, dataStart };
}
