/**
 * Parity at a second, deliberately different small config, so that parity does not hinge on the one
 * shape of hymba-ref-a: 7 layers, globals {0, 4}, a 3-way KV group [1, 2, 3] and a pair [5, 6], 6 query
 * heads over 2 KV heads (group 3), d_qk 16 / d_v 32, 5 meta tokens, window 8, d_conv 3, d_state 8,
 * dt_rank 6 (not a multiple of 32), vocab 300. Random bf16 weights from `synthCheckpoint`; the
 * reference is the independent float64 forward in engine/reference.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openHymbaCheckpoint } from '../checkpoint/open-checkpoint.ts';
import { synthCheckpoint } from '../checkpoint/synth-checkpoint.ts';
import { referenceForward, referenceGreedy } from '../reference/reference-forward.ts';
import { loadReferenceFromCheckpoint, type ReferenceModel } from '../reference/reference-weights.ts';
import { argmaxRow, CachedRunner } from './cached-runner.ts';
import { probeSequences } from './weight-accuracy.ts';
import { convertOrThrow, FIXTURE_DIR, packageModel, temporaryFolder } from './test-support.ts';

const work = temporaryFolder('hymba-synth-parity-');
let model: ReferenceModel;
let runner: CachedRunner;

const LAYERS = 7;
const overrides = {
  hidden_size: 96,
  num_hidden_layers: LAYERS,
  num_attention_heads: 6,
  num_key_value_heads: 2,
  vocab_size: 300,
  intermediate_size: 160,
  num_memory_tokens: 5,
  sliding_window: 8,
  global_attn_idx: [0, 4],
  kv_reuse_group: [
    [1, 2, 3],
    [5, 6],
  ],
  mamba_d_state: 8,
  mamba_d_conv: 3,
  mamba_dt_rank: 6,
  layer_type: Array.from({ length: LAYERS }, () => 'h'),
  conv_dim: Object.fromEntries(Array.from({ length: LAYERS }, (_, i) => [String(i), 192])),
};

before(async () => {
  const config = { ...(JSON.parse(readFileSync(join(FIXTURE_DIR, 'config.json'), 'utf8')) as Record<string, unknown>), ...overrides };
  const configPath = join(work.dir, 'config.json');
  writeFileSync(configPath, JSON.stringify(config));
  const hf = join(work.dir, 'hf');
  const synth = await synthCheckpoint({ configPath, outDir: hf, dtype: 'BF16', seed: 7 });
  assert.ok(synth.ok, JSON.stringify(!synth.ok && synth.error));
  const checkpoint = await openHymbaCheckpoint(hf);
  assert.ok(checkpoint.ok, JSON.stringify(!checkpoint.ok && checkpoint.error));
  model = await loadReferenceFromCheckpoint(checkpoint.value);
  await checkpoint.value.tensors.close();
  const converted = await convertOrThrow(hf, join(work.dir, 'fp32'), { dtype: 'fp32' });
  runner = await CachedRunner.create(packageModel(converted).modelPath, converted.config, 'float32');
});
after(async () => {
  await runner?.release();
  work.cleanup();
});

const maxDiff = (rows: Float64Array[], actual: Float32Array, width: number): number => {
  let worst = 0;
  rows.forEach((row, r) => row.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - actual[r * width + k]!)))));
  return worst;
};

test('no-cache forward over 30 tokens (past meta + window) matches the float64 reference within 1e-4', async () => {
  const [ids] = probeSequences(runner.config, 1, 30) as [number[]];
  const expected = referenceForward(model, ids).logits;
  runner.reset();
  const actual = await runner.forward(ids, ids.length);
  const worst = maxDiff(expected, actual, runner.config.vocabSize);
  assert.ok(worst <= 1e-4, `max |Δ| ${worst}`);
});

test('cached greedy decode (W − 1 window, trimmed caches, 3-way KV reuse) matches the reference', async () => {
  const [prompt] = probeSequences(runner.config, 1, 11) as [number[]];
  const steps = 14;
  const expected = referenceGreedy(model, prompt, steps);
  const V = runner.config.vocabSize;
  runner.reset();
  let logits = await runner.forward(prompt, 1);
  const tokens: number[] = [];
  let worst = 0;
  for (let step = 0; step < steps; step++) {
    worst = Math.max(worst, maxDiff([expected.logits[step]!], logits, V));
    tokens.push(argmaxRow(logits, 0, V));
    if (step + 1 < steps) logits = await runner.forward([tokens.at(-1)!], 1);
  }
  assert.deepEqual(tokens, expected.tokens);
  assert.ok(worst <= 1e-4, `max |Δ| ${worst}`);
  const M = runner.config.numMetaTokens;
  assert.equal(runner.kvLength(1), M + runner.config.slidingWindow);
  assert.equal(runner.kvLength(0), M + prompt.length + steps - 1);
});
