import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openHymbaCheckpoint } from './open-checkpoint.ts';
import { Prng } from './prng.ts';
import { synthCheckpoint } from './synth-checkpoint.ts';
import { temporaryFolder } from './test-helpers.ts';

const fixtures = fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));
const tmp = temporaryFolder();
after(tmp.cleanup);

/** A small config beside the real tokenizer/generation files, so the side-file copy is exercised. */
function smallConfigWithSideFiles(): string {
  const dir = join(tmp.dir, 'source');
  mkdirSync(dir, { recursive: true });
  const config = JSON.parse(readFileSync(join(fixtures, 'hymba-ref-a/config.json'), 'utf8'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, vocab_size: 64, hidden_size: 32, intermediate_size: 48, conv_dim: undefined }));
  for (const name of ['generation_config.json', 'special_tokens_map.json']) {
    writeFileSync(join(dir, name), readFileSync(join(fixtures, 'hymba-1.5b-files', name)));
  }
  return join(dir, 'config.json');
}

test('the PRNG is deterministic per (seed, stream) and gives standard normals', () => {
  const draw = (seed: number, stream: number) => Array.from({ length: 5 }, () => new Prng(seed, stream)).map((r) => r.nextUint32());
  assert.deepEqual(draw(7, 1), draw(7, 1));
  assert.notDeepEqual(new Prng(7, 1).nextUint32(), new Prng(8, 1).nextUint32());
  assert.notDeepEqual(new Prng(7, 1).nextUint32(), new Prng(7, 2).nextUint32());
  const rng = new Prng(1);
  let sum = 0;
  let squares = 0;
  const n = 200_000;
  for (let i = 0; i < n; i++) {
    const v = rng.normal();
    sum += v;
    squares += v * v;
  }
  assert.ok(Math.abs(sum / n) < 0.01, `mean ${sum / n}`);
  assert.ok(Math.abs(squares / n - 1) < 0.02, `variance ${squares / n}`);
});

test('synth writes a valid checkpoint with side files, deterministic by seed', async () => {
  const configPath = smallConfigWithSideFiles();
  const run = async (name: string, seed: number) => {
    const result = await synthCheckpoint({ configPath, outDir: join(tmp.dir, name), dtype: 'BF16', seed });
    assert.ok(result.ok, JSON.stringify(!result.ok && result.error));
    return readFileSync(join(tmp.dir, name, 'model.safetensors'));
  };
  const first = await run('a', 5);
  const again = await run('b', 5);
  const other = await run('c', 6);
  assert.ok(first.equals(again), 'same seed, same bytes');
  assert.ok(!first.equals(other), 'another seed, other bytes');
  assert.deepEqual(readdirSync(join(tmp.dir, 'a')).sort(), ['config.json', 'generation_config.json', 'model.safetensors', 'special_tokens_map.json']);
  const opened = await openHymbaCheckpoint(join(tmp.dir, 'a'));
  assert.ok(opened.ok, JSON.stringify(!opened.ok && opened.error));
  const info = opened.value.tensors.tensors.get('model.layers.0.mamba.in_proj.weight');
  assert.equal(info?.dtype, 'BF16');
  const embed = await opened.value.tensors.readFloat32('model.embed_tokens.weight');
  assert.ok(embed.subarray(0, 32).every((v) => v === 0), 'the padding row is zero');
  const aLog = await opened.value.tensors.readFloat32('model.layers.2.mamba.A_log.0');
  assert.ok(Math.abs(aLog[3]! - Math.log(4)) < 0.01);
  const d = await opened.value.tensors.readFloat32('model.layers.2.mamba.D.0');
  assert.ok(d.every((v) => v === 1));
  await opened.value.tensors.close();
});

test('synth shards on request, and refuses a non-empty destination or a bad config', async () => {
  const configPath = smallConfigWithSideFiles();
  const sharded = await synthCheckpoint({ configPath, outDir: join(tmp.dir, 'sharded'), dtype: 'F16', seed: 1, maxShardBytes: 64 * 1024 });
  assert.ok(sharded.ok);
  assert.ok(sharded.value.files.includes('model.safetensors.index.json'));
  const opened = await openHymbaCheckpoint(join(tmp.dir, 'sharded'));
  assert.ok(opened.ok, JSON.stringify(!opened.ok && opened.error));
  await opened.value.tensors.close();

  const occupied = await synthCheckpoint({ configPath, outDir: join(tmp.dir, 'sharded'), dtype: 'F16', seed: 1 });
  assert.ok(!occupied.ok);
  assert.equal(occupied.error.code, 'BAD_REQUEST');

  const badPath = join(tmp.dir, 'bad.json');
  writeFileSync(badPath, '{"hidden_size": ');
  const bad = await synthCheckpoint({ configPath: badPath, outDir: join(tmp.dir, 'never'), dtype: 'F16', seed: 1 });
  assert.ok(!bad.ok);
  assert.equal(bad.error.code, 'CONFIG_INVALID');
  assert.ok(!readdirSync(tmp.dir).some((f) => f.includes('never')), 'nothing written');
});
