import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseHymbaConfig, type HymbaConfig } from '../config/hymba-config.ts';
import { expectedHymbaTensors, type ExpectedTensor } from './hymba-tensors.ts';
import { openHymbaCheckpoint, readHymbaFolderConfig } from './open-checkpoint.ts';
import { writeSafetensorsWeights, type TensorToWrite } from './safetensors-writer.ts';
import { temporaryFolder } from './test-helpers.ts';

const fixtures = fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));
const refA = join(fixtures, 'hymba-ref-a');
const realFiles = join(fixtures, 'hymba-1.5b-files');
const tmp = temporaryFolder();
after(tmp.cleanup);

const readJson = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, 'utf8'));

function configOf(raw: Record<string, unknown>): HymbaConfig {
  const parsed = parseHymbaConfig(raw);
  assert.ok(parsed.ok);
  return parsed.value;
}

const zeros = (t: ExpectedTensor): TensorToWrite => ({
  name: t.name,
  dtype: 'BF16',
  shape: t.shape,
  bytes: () => [new Uint8Array(t.shape.reduce((a, b) => a * b, 1) * 2)],
});

let folderCount = 0;
/** A checkpoint folder with the given config and zero-valued tensors. */
async function makeFolder(raw: Record<string, unknown>, tensors: ExpectedTensor[], maxShardBytes?: number): Promise<string> {
  const dir = join(tmp.dir, `ckpt-${folderCount++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(raw));
  const written = await writeSafetensorsWeights(dir, tensors.map(zeros), maxShardBytes === undefined ? {} : { maxShardBytes });
  assert.ok(written.ok);
  return dir;
}

test('the 1.5B config expects the documented tensor set (1,522,797,824 parameters, 611 tensors)', () => {
  const expected = expectedHymbaTensors(configOf(readJson(join(realFiles, 'config.json'))));
  assert.equal(expected.length, 3 + 32 * 19);
  assert.equal(expected.reduce((sum, t) => sum + t.shape.reduce((a, b) => a * b, 1), 0), 1_522_797_824);
  const shapeOf = (name: string) => expected.find((t) => t.name === name)?.shape;
  assert.deepEqual(shapeOf('model.layers.0.mamba.in_proj.weight'), [8960, 1600]);
  assert.deepEqual(shapeOf('model.layers.2.mamba.in_proj.weight'), [8000, 1600]);
  assert.deepEqual(shapeOf('model.layers.5.mamba.x_proj.0.weight'), [132, 3200]);
  assert.deepEqual(shapeOf('model.layers.5.mamba.conv1d.weight'), [3200, 1, 4]);
  assert.equal(shapeOf('lm_head.weight'), undefined);
});

test('opens the fixture checkpoint and reads a tensor', async () => {
  const opened = await openHymbaCheckpoint(refA);
  assert.ok(opened.ok, JSON.stringify(!opened.ok && opened.error));
  const { config, tensors, rawConfig, sideFiles } = opened.value;
  assert.equal(config.hiddenSize, 128);
  assert.equal(rawConfig.model_type, 'hymba');
  assert.equal(tensors.tensors.size, 3 + 4 * 19);
  assert.equal(sideFiles.size, 0);
  const aLog = await tensors.readFloat32('model.layers.1.mamba.A_log.0');
  assert.equal(aLog.length, 256 * 16);
  assert.ok(Math.abs(aLog[17]! - Math.log(2)) < 1e-6, 'A_log row 1 holds log(1..16)');
  await tensors.close();
});

test('a folder with config and tokenizer but no weights gives a clear "no weights" error', async () => {
  const opened = await openHymbaCheckpoint(realFiles);
  assert.ok(!opened.ok);
  assert.equal(opened.error.code, 'MODEL_NOT_FOUND');
  assert.match(opened.error.message, /no weights/);
  const folder = await readHymbaFolderConfig(realFiles);
  assert.ok(folder.ok);
  assert.equal(folder.value.weights.kind, 'none');
  assert.deepEqual([...folder.value.sideFiles.keys()].sort(), [
    'added_tokens.json',
    'generation_config.json',
    'special_tokens_map.json',
    'tokenizer.json',
    'tokenizer_config.json',
  ]);
});

test('a missing folder or config.json is MODEL_NOT_FOUND', async () => {
  const missing = await openHymbaCheckpoint(join(tmp.dir, 'nowhere'));
  assert.ok(!missing.ok);
  assert.equal(missing.error.code, 'MODEL_NOT_FOUND');
  const empty = join(tmp.dir, 'empty');
  mkdirSync(empty);
  const noConfig = await openHymbaCheckpoint(empty);
  assert.ok(!noConfig.ok);
  assert.equal(noConfig.error.code, 'MODEL_NOT_FOUND');
  assert.match(noConfig.error.message, /config\.json/);
});

test('a config.json syntax error is CONFIG_INVALID naming the file; a bad field names the field', async () => {
  const dir = join(tmp.dir, 'bad-config');
  mkdirSync(dir);
  writeFileSync(join(dir, 'config.json'), '{"hidden_size": 128,');
  const syntax = await openHymbaCheckpoint(dir);
  assert.ok(!syntax.ok);
  assert.equal(syntax.error.code, 'CONFIG_INVALID');
  assert.equal(syntax.error.details?.file, join(dir, 'config.json'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...readJson(join(refA, 'config.json')), num_experts: 4 }));
  const field = await openHymbaCheckpoint(dir);
  assert.ok(!field.ok);
  assert.equal(field.error.code, 'CONFIG_INVALID');
  assert.equal(field.error.details?.field, 'num_experts');
  assert.equal(field.error.details?.file, join(dir, 'config.json'));
});

test('every missing, unexpected and mis-shaped tensor is reported at once', async () => {
  const raw = readJson(join(refA, 'config.json'));
  const expected = expectedHymbaTensors(configOf(raw));
  const tensors = expected
    .filter((t) => t.name !== 'model.layers.1.mamba.D.0' && t.name !== 'model.memory_tokens')
    .map((t) => (t.name === 'model.layers.2.mamba.in_proj.weight' ? { ...t, shape: [832, 128] } : t));
  tensors.push({ name: 'model.layers.0.self_attn.q_proj.weight', shape: [128, 128] });
  const opened = await openHymbaCheckpoint(await makeFolder(raw, tensors));
  assert.ok(!opened.ok);
  assert.equal(opened.error.code, 'CHECKPOINT_INVALID');
  assert.deepEqual(opened.error.details?.missing, ['model.memory_tokens', 'model.layers.1.mamba.D.0']);
  assert.deepEqual(opened.error.details?.unexpected, ['model.layers.0.self_attn.q_proj.weight']);
  assert.deepEqual(opened.error.details?.misShaped, [{ name: 'model.layers.2.mamba.in_proj.weight', expected: [640, 128], actual: [832, 128] }]);
  assert.match(opened.error.message, /4 problems/);
  assert.match(opened.error.message, /model\.layers\.1\.mamba\.D\.0/);
});

test('lm_head.weight is required when untied and tolerated when tied', async () => {
  const raw = readJson(join(refA, 'config.json'));
  const untied = { ...raw, tie_word_embeddings: false };
  const withoutHead = expectedHymbaTensors(configOf(raw));
  const missingHead = await openHymbaCheckpoint(await makeFolder(untied, withoutHead));
  assert.ok(!missingHead.ok);
  assert.deepEqual(missingHead.error.details?.missing, ['lm_head.weight']);
  const withHead = [...withoutHead, { name: 'lm_head.weight', shape: [256, 128] }];
  const untiedOk = await openHymbaCheckpoint(await makeFolder(untied, withHead));
  assert.ok(untiedOk.ok);
  await untiedOk.value.tensors.close();
  const tiedWithHead = await openHymbaCheckpoint(await makeFolder(raw, withHead));
  assert.ok(tiedWithHead.ok);
  await tiedWithHead.value.tensors.close();
});

test('opens a sharded checkpoint and collects side files', async () => {
  const raw = readJson(join(refA, 'config.json'));
  const dir = await makeFolder(raw, expectedHymbaTensors(configOf(raw)), 100_000);
  copyFileSync(join(realFiles, 'generation_config.json'), join(dir, 'generation_config.json'));
  const folder = await readHymbaFolderConfig(dir);
  assert.ok(folder.ok);
  assert.equal(folder.value.weights.kind, 'sharded');
  const opened = await openHymbaCheckpoint(dir);
  assert.ok(opened.ok, JSON.stringify(!opened.ok && opened.error));
  assert.deepEqual([...opened.value.sideFiles.keys()], ['generation_config.json']);
  assert.equal((await opened.value.tensors.readFloat32('model.layers.3.mamba.out_proj.weight')).length, 128 * 256);
  await opened.value.tensors.close();
});
