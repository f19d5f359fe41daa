import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeFromFloat32 } from './dtype.ts';
import { openSafetensorsFile } from './safetensors-file.ts';
import { openSafetensorsSource, openShardedSafetensorsSource } from './safetensors-source.ts';
import { planShards, writeSafetensorsFile, writeSafetensorsWeights, type TensorToWrite } from './safetensors-writer.ts';
import { rawSafetensors, temporaryFolder, writeIn } from './test-helpers.ts';

const tmp = temporaryFolder();
after(tmp.cleanup);

function tensor(name: string, dtype: TensorToWrite['dtype'], shape: number[], values: number[]): TensorToWrite {
  const bytes = encodeFromFloat32(new Float32Array(values), dtype);
  // Yield in two chunks, to exercise streaming.
  return { name, dtype, shape, bytes: () => [bytes.subarray(0, 2), bytes.subarray(2)] };
}

const sample = (): TensorToWrite[] => [
  tensor('w.f32', 'F32', [2, 3], [1, -2, 3.5, 0, 1e-30, -7]),
  tensor('w.bf16', 'BF16', [4], [1, -2, 0.5, 3]),
  tensor('w.f16', 'F16', [1, 3], [65504, -0.25, 2 ** -24]),
  tensor('w.empty', 'F32', [0, 5], []),
];

test('writer → reader round trip keeps names, shapes, dtypes, values and metadata', async () => {
  const path = join(tmp.dir, 'round.safetensors');
  const progress: string[] = [];
  const written = await writeSafetensorsFile(path, sample(), { metadata: { format: 'pt' }, onProgress: (p) => progress.push(`${p.tensorIndex}/${p.tensorCount}`) });
  assert.ok(written.ok);
  assert.deepEqual(progress, ['1/4', '2/4', '3/4', '4/4']);
  const headerLength = Number(readFileSync(path).readBigUInt64LE(0));
  assert.equal(headerLength % 8, 0, 'header is padded to 8 bytes');
  const opened = await openSafetensorsFile(path);
  assert.ok(opened.ok, JSON.stringify(!opened.ok && opened.error));
  const file = opened.value;
  assert.deepEqual(file.metadata, { format: 'pt' });
  assert.deepEqual(file.entries.get('w.f16')?.shape, [1, 3]);
  assert.equal(file.entries.get('w.bf16')?.dtype, 'BF16');
  assert.deepEqual([...(await file.readFloat32('w.f32'))], [...new Float32Array([1, -2, 3.5, 0, 1e-30, -7])]);
  assert.deepEqual([...(await file.readFloat32('w.bf16'))], [1, -2, 0.5, 3]);
  assert.deepEqual([...(await file.readFloat32('w.f16'))], [65504, -0.25, 2 ** -24]);
  assert.equal((await file.readFloat32('w.empty')).length, 0);
  await file.close();
  assert.deepEqual(readdirSync(tmp.dir).filter((f) => f.includes('partial')), [], 'no temporary file left');
});

test('a producer yielding the wrong byte count fails and leaves no file behind', async () => {
  const dir = join(tmp.dir, 'short');
  mkdirSync(dir);
  const short: TensorToWrite = { name: 'x', dtype: 'F32', shape: [4], bytes: () => [new Uint8Array(12)] };
  const written = await writeSafetensorsFile(join(dir, 'x.safetensors'), [short]);
  assert.ok(!written.ok);
  assert.match(written.error.message, /wrong byte count/);
  assert.deepEqual(readdirSync(dir), []);
});

test('sharding splits by max bytes, writes an index, and the sharded reader reads it back', async () => {
  const dir = join(tmp.dir, 'sharded');
  mkdirSync(dir);
  assert.deepEqual(planShards(sample(), 24).map((s) => s.map((t) => t.name)), [['w.f32'], ['w.bf16', 'w.f16', 'w.empty']]);
  const written = await writeSafetensorsWeights(dir, sample(), { maxShardBytes: 24 });
  assert.ok(written.ok);
  assert.deepEqual(written.value.files, ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors', 'model.safetensors.index.json']);
  const index = JSON.parse(readFileSync(join(dir, 'model.safetensors.index.json'), 'utf8'));
  assert.equal(index.metadata.total_size, 24 + 8 + 6);
  assert.equal(index.weight_map['w.f16'], 'model-00002-of-00002.safetensors');
  const source = await openShardedSafetensorsSource(join(dir, 'model.safetensors.index.json'));
  assert.ok(source.ok, JSON.stringify(!source.ok && source.error));
  assert.deepEqual([...source.value.tensors.keys()].sort(), ['w.bf16', 'w.empty', 'w.f16', 'w.f32']);
  assert.deepEqual([...(await source.value.readFloat32('w.bf16'))], [1, -2, 0.5, 3]);
  assert.deepEqual([...(await source.value.readFloat32('w.f32'))].slice(0, 3), [1, -2, 3.5]);
  await source.value.close();
});

test('without a shard limit everything goes into model.safetensors', async () => {
  const dir = join(tmp.dir, 'single');
  mkdirSync(dir);
  const written = await writeSafetensorsWeights(dir, sample(), { maxShardBytes: 1 << 20 });
  assert.ok(written.ok);
  assert.deepEqual(written.value.files, ['model.safetensors']);
  const source = await openSafetensorsSource(join(dir, 'model.safetensors'));
  assert.ok(source.ok);
  assert.equal(source.value.tensors.get('w.f32')?.byteLength, 24);
  await source.value.close();
});

test('a TensorSource refuses a non-float tensor at open, naming it', async () => {
  const path = writeIn(tmp.dir, 'ints.safetensors', rawSafetensors({ step: { dtype: 'I32', shape: [], data_offsets: [0, 4] } }, new Uint8Array(4)));
  const source = await openSafetensorsSource(path);
  assert.ok(!source.ok);
  assert.equal(source.error.code, 'CHECKPOINT_INVALID');
  assert.equal(source.error.details?.tensor, 'step');
  assert.match(source.error.message, /dtype I32/);
});

async function shardedCase(name: string, weightMap: unknown, shards: Record<string, object>) {
  const dir = join(tmp.dir, name);
  mkdirSync(dir);
  for (const [file, header] of Object.entries(shards)) writeIn(dir, file, rawSafetensors(header, new Uint8Array(8)));
  writeIn(dir, 'model.safetensors.index.json', typeof weightMap === 'string' ? weightMap : JSON.stringify({ weight_map: weightMap }));
  return openShardedSafetensorsSource(join(dir, 'model.safetensors.index.json'));
}

const entry = { dtype: 'F32', shape: [2], data_offsets: [0, 8] };

test('an index naming a missing shard is MODEL_NOT_FOUND naming the shard', async () => {
  const result = await shardedCase('missing-shard', { a: 's1.safetensors', b: 's2.safetensors' }, { 's1.safetensors': { a: entry } });
  assert.ok(!result.ok);
  assert.equal(result.error.code, 'MODEL_NOT_FOUND');
  assert.equal(result.error.details?.file, 's2.safetensors');
});

test('an index placing a tensor in a shard that lacks it is CHECKPOINT_INVALID naming the tensor', async () => {
  const result = await shardedCase('absent-tensor', { a: 's1.safetensors', b: 's1.safetensors' }, { 's1.safetensors': { a: entry } });
  assert.ok(!result.ok);
  assert.equal(result.error.code, 'CHECKPOINT_INVALID');
  assert.equal(result.error.details?.tensor, 'b');
  assert.match(result.error.message, /does not contain it/);
});

test('a shard tensor the index does not list is refused', async () => {
  const result = await shardedCase('unlisted', { a: 's1.safetensors' }, { 's1.safetensors': { a: entry, extra: { ...entry, data_offsets: [0, 8] } } });
  assert.ok(!result.ok);
  assert.equal(result.error.details?.tensor, 'extra');
});

test('malformed index files are refused with the reason', async () => {
  const badJson = await shardedCase('bad-json', '{"weight_map": ', {});
  assert.ok(!badJson.ok);
  assert.match(badJson.error.message, /not valid JSON/);
  const noMap = await shardedCase('no-map', '{"metadata": {}}', {});
  assert.ok(!noMap.ok);
  assert.match(noMap.error.message, /weight_map/);
  const escape = await shardedCase('escape', { a: '../outside.safetensors' }, {});
  assert.ok(!escape.ok);
  assert.match(escape.error.message, /not a shard file name/);
});
