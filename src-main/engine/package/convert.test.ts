import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, symlinkSync, mkdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { openHymbaCheckpoint } from '../checkpoint/open-checkpoint.ts';
import type { OpenCheckpoint } from '../checkpoint/tensor-source.ts';
import { FIXTURE_DIR, temporaryFolder, transformingOpener } from '../parity/test-support.ts';
import { convertCheckpoint, type ConvertProgress } from './convert.ts';
import type { PackageManifest } from './manifest.ts';

const work = temporaryFolder('hymba-convert-');
after(() => work.cleanup());

/** Opens the fixture and counts reads per tensor. */
const countingOpener = (counts: Map<string, number>): OpenCheckpoint =>
  transformingOpener((name, values) => {
    counts.set(name, (counts.get(name) ?? 0) + 1);
    return values;
  });

test('int4 conversion: package files, manifest, every tensor read exactly once, progress to 100%', async () => {
  const counts = new Map<string, number>();
  const events: ConvertProgress[] = [];
  const out = join(work.dir, 'int4');
  const result = await convertCheckpoint(FIXTURE_DIR, out, { open: countingOpener(counts), onProgress: (p) => events.push(p) });
  assert.ok(result.ok, JSON.stringify(!result.ok && result.error));
  assert.deepEqual(readdirSync(out).sort(), ['config.json', 'manifest.json', 'model.onnx', 'model.onnx.data']);
  assert.deepEqual(readdirSync(work.dir), ['int4'], 'no temporary folder left beside the package');

  const opened = await openHymbaCheckpoint(FIXTURE_DIR);
  assert.ok(opened.ok);
  const names = [...opened.value.tensors.tensors.keys()];
  const params = [...opened.value.tensors.tensors.values()].reduce((a, t) => a + t.shape.reduce((x, y) => x * y, 1), 0);
  await opened.value.tensors.close();
  assert.deepEqual([...counts.keys()].sort(), names.sort(), 'every checkpoint tensor is used');
  assert.ok([...counts.values()].every((n) => n === 1), 'no tensor is read twice');

  const weights = events.filter((e) => e.phase === 'weights');
  const last = weights.at(-1)!;
  assert.equal(last.tensorsDone, names.length);
  assert.equal(last.bytesDone, last.bytesTotal);
  assert.ok(weights.every((e, i) => i === 0 || e.bytesDone >= weights[i - 1]!.bytesDone));
  assert.ok(events.some((e) => e.phase === 'hashing'));

  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as PackageManifest;
  assert.equal(manifest.formatVersion, 1);
  assert.equal(manifest.weightFormat, 'int4');
  assert.equal(manifest.cacheDtype, 'float16');
  assert.equal(manifest.kind, 'base');
  assert.equal(manifest.id, 'int4');
  assert.equal(manifest.parameterCount, params);
  assert.deepEqual(manifest.int4, { blockSize: 32, accuracyLevel: 4, zeroPoints: true });
  assert.deepEqual(
    manifest.cacheLayout.map((l) => [l.layer, l.attention, l.kv, l.kvSourceLayer, l.kvBytesPerToken]),
    [
      [0, 'global', 'owner', 0, 2 * (32 + 64) * 2],
      [1, 'sliding', 'owner', 1, 2 * (32 + 64) * 2],
      [2, 'sliding', 'shared', 1, 0],
      [3, 'global', 'owner', 3, 2 * (32 + 64) * 2],
    ],
  );
  const safetensors = manifest.source.files.find((f) => f.name === 'model.safetensors')!;
  assert.equal(safetensors.bytes, readFileSync(join(FIXTURE_DIR, 'model.safetensors')).byteLength);
  assert.match(safetensors.sha256, /^[0-9a-f]{64}$/);
  assert.ok(manifest.sizes.dataBytes > 0 && manifest.sizes.dataBytes < 1.5e6, `int4 data ${manifest.sizes.dataBytes}`);
});

test('cancelling mid-conversion returns CANCELLED and leaves no output', async () => {
  const controller = new AbortController();
  const out = join(work.dir, 'cancelled');
  const result = await convertCheckpoint(FIXTURE_DIR, out, {
    dtype: 'fp32',
    signal: controller.signal,
    onProgress: (p) => {
      if (p.phase === 'weights' && p.tensorsDone === 10) controller.abort();
    },
  });
  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.error.code, 'CANCELLED');
  assert.equal(existsSync(out), false);
  assert.ok(!readdirSync(work.dir).some((name) => name.includes('cancelled')), `leftovers: ${readdirSync(work.dir).join(', ')}`);
});

test('an existing non-empty output folder is refused untouched', async () => {
  const out = join(work.dir, 'taken');
  mkdirSync(out);
  writeFileSync(join(out, 'keep.txt'), 'mine');
  const result = await convertCheckpoint(FIXTURE_DIR, out, { dtype: 'fp32' });
  assert.equal(!result.ok && result.error.code, 'IO_ERROR');
  assert.deepEqual(readdirSync(out), ['keep.txt']);
});

test('a folder named Base stays base although its tokenizer ships a chat template (as Hymba-1.5B-Base does)', async () => {
  const hf = join(work.dir, 'Hymba-1.5B-Base');
  mkdirSync(hf);
  copyFileSync(join(FIXTURE_DIR, 'config.json'), join(hf, 'config.json'));
  symlinkSync(join(FIXTURE_DIR, 'model.safetensors'), join(hf, 'model.safetensors'));
  writeFileSync(join(hf, 'tokenizer_config.json'), JSON.stringify({ chat_template: '{{ messages }}' }));
  const result = await convertCheckpoint(hf, join(work.dir, 'named-base'), { dtype: 'fp16' });
  assert.ok(result.ok, JSON.stringify(!result.ok && result.error));
  assert.equal(result.value.manifest.kind, 'base');
});

test('kind is inferred as instruct from a chat_template, and --kind overrides it', async () => {
  const hf = join(work.dir, 'hf-instruct');
  mkdirSync(hf);
  copyFileSync(join(FIXTURE_DIR, 'config.json'), join(hf, 'config.json'));
  symlinkSync(join(FIXTURE_DIR, 'model.safetensors'), join(hf, 'model.safetensors'));
  writeFileSync(join(hf, 'tokenizer_config.json'), JSON.stringify({ chat_template: '{{ messages }}' }));
  const inferred = await convertCheckpoint(hf, join(work.dir, 'instruct'), { dtype: 'fp16' });
  assert.ok(inferred.ok, JSON.stringify(!inferred.ok && inferred.error));
  assert.equal(inferred.value.manifest.kind, 'instruct');
  assert.ok(existsSync(join(inferred.value.dir, 'tokenizer_config.json')), 'side files are copied');
  const forced = await convertCheckpoint(hf, join(work.dir, 'forced'), { dtype: 'fp16', kind: 'base' });
  assert.ok(forced.ok);
  assert.equal(forced.value.manifest.kind, 'base');
});
