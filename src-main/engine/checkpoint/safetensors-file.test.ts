import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSafetensorsFile } from './safetensors-file.ts';
import { float32Bytes, rawSafetensors, temporaryFolder, writeIn } from './test-helpers.ts';

const tmp = temporaryFolder();
after(tmp.cleanup);

const f32 = (shape: number[], begin: number, end: number) => ({ dtype: 'F32', shape, data_offsets: [begin, end] });

test('reads tensors lazily by name and keeps __metadata__', async () => {
  const data = new Uint8Array([...float32Bytes([1, 2, 3, 4]), 0x80, 0x3f, 0x00, 0xc0]);
  const header = { __metadata__: { format: 'pt' }, a: f32([2, 2], 0, 16), b: { dtype: 'BF16', shape: [2], data_offsets: [16, 20] } };
  const opened = await openSafetensorsFile(writeIn(tmp.dir, 'good.safetensors', rawSafetensors(header, data)));
  assert.ok(opened.ok, JSON.stringify(!opened.ok && opened.error));
  const file = opened.value;
  assert.deepEqual(file.metadata, { format: 'pt' });
  assert.deepEqual([...file.entries.keys()], ['a', 'b']);
  assert.deepEqual([...(await file.readFloat32('a'))], [1, 2, 3, 4]);
  assert.deepEqual([...(await file.readFloat32('b'))], [1, -2]);
  await assert.rejects(file.readFloat32('nope'), /no tensor "nope"/);
  await file.close();
});

test('a missing file is MODEL_NOT_FOUND', async () => {
  const opened = await openSafetensorsFile(`${tmp.dir}/absent.safetensors`);
  assert.ok(!opened.ok);
  assert.equal(opened.error.code, 'MODEL_NOT_FOUND');
});

test('a non-float dtype is refused on read, naming tensor and dtype', async () => {
  const header = { ids: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } };
  const opened = await openSafetensorsFile(writeIn(tmp.dir, 'ints.safetensors', rawSafetensors(header, new Uint8Array(8))));
  assert.ok(opened.ok);
  await assert.rejects(opened.value.readFloat32('ids'), (e: { error: { code: string; details: Record<string, unknown> } }) => {
    assert.equal(e.error.code, 'CHECKPOINT_INVALID');
    assert.deepEqual(e.error.details, { file: 'ints.safetensors', tensor: 'ids', dtype: 'I64' });
    return true;
  });
  assert.equal((await opened.value.readBytes('ids')).byteLength, 8);
  await opened.value.close();
});

interface BrokenCase {
  name: string;
  bytes: Uint8Array;
  message: RegExp;
  tensor?: string;
}

const brokenCases: BrokenCase[] = [
  { name: 'shorter than 8 bytes', bytes: new Uint8Array(5), message: /too short/ },
  { name: 'header length past the end', bytes: rawSafetensors({}, new Uint8Array(0), 1000n), message: /runs past the end/ },
  { name: 'huge header length', bytes: rawSafetensors({}, new Uint8Array(0), 2n ** 62n), message: /runs past the end/ },
  { name: 'invalid JSON', bytes: rawSafetensors('{"a": [1, 2'), message: /not valid UTF-8 JSON/ },
  { name: 'JSON that is not an object', bytes: rawSafetensors('[1,2,3]'), message: /must be a JSON object/ },
  { name: 'bad __metadata__', bytes: rawSafetensors({ __metadata__: { n: 3 } }), message: /__metadata__\.n must be a string/ },
  { name: 'unknown dtype', bytes: rawSafetensors({ w: { dtype: 'Q4', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)), message: /unknown dtype "Q4"/, tensor: 'w' },
  { name: 'bad shape', bytes: rawSafetensors({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4)), message: /shape must be/, tensor: 'w' },
  { name: 'offsets not a pair', bytes: rawSafetensors({ w: { dtype: 'F32', shape: [1], data_offsets: [0] } }, new Uint8Array(4)), message: /data_offsets must be/, tensor: 'w' },
  { name: 'offsets reversed', bytes: rawSafetensors({ w: f32([0], 4, 0) }, new Uint8Array(4)), message: /end before they begin/, tensor: 'w' },
  { name: 'offsets past the data', bytes: rawSafetensors({ w: f32([2], 0, 8) }, new Uint8Array(4)), message: /run past the 4-byte data section/, tensor: 'w' },
  { name: 'byte length ≠ dtype × shape', bytes: rawSafetensors({ w: f32([3], 0, 8) }, new Uint8Array(8)), message: /needs 12 bytes but data_offsets span 8/, tensor: 'w' },
  { name: 'overlapping tensors', bytes: rawSafetensors({ a: f32([2], 0, 8), b: f32([2], 4, 12) }, new Uint8Array(12)), message: /overlaps tensor "a"/, tensor: 'b' },
];

for (const c of brokenCases) {
  test(`refuses a file with ${c.name}`, async () => {
    const opened = await openSafetensorsFile(writeIn(tmp.dir, 'broken.safetensors', c.bytes));
    assert.ok(!opened.ok, 'expected an error');
    assert.equal(opened.error.code, 'CHECKPOINT_INVALID');
    assert.match(opened.error.message, c.message);
    assert.equal(opened.error.details?.file, 'broken.safetensors');
    assert.equal(opened.error.details?.tensor, c.tensor);
  });
}
