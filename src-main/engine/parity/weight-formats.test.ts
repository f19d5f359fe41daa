/**
 * Accuracy of the fp16 and int4 weight formats on hymba-ref-a (random weights: a pessimistic case, since
 * Gaussian weights have no slack for 4-bit rounding).
 *
 * Measured (2026-11-30, the fixture's two extended sequences, 113 positions, every logit):
 *   fp16 (fp16 weights and cache)                                  max |Δlogit| 0.0064, top-1 100 %
 *   int4 symmetric (before; dt_proj fp32), accuracy_level 4        max |Δlogit| 2.17,   top-1 69.0 %
 *   int4 asymmetric + range search (dt_proj int4), accuracy_level 4 max |Δlogit| 2.31,   top-1 68.1 %
 * On 6 probe sequences of 64 tokens (384 positions) asymmetric lowers RMS Δlogit 0.501 → 0.451 and mean
 * KL 0.124 → 0.101 on this fixture; 113 positions are too few for max/top-1 to show it.
 * (logit std on this fixture ≈ 1.1). The thresholds below leave about 3–4× headroom for fp16, and 1.4×
 * (max) and 8 points (top-1) for int4. The int4 graph itself is checked exactly: with accuracy_level 0
 * it must equal a float32 graph over the dequantized weights (zero points, the ragged dt_proj block and
 * the shared embedding included), so every int4 error comes from rounding the weights, not from wiring.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { synthCheckpoint } from '../checkpoint/synth-checkpoint.ts';
import { parseHymbaConfig } from '../config/hymba-config.ts';
import { sharesMatMulLayout } from '../onnx/hymba/embedding.ts';
import { dequantizeInt4, quantizeInt4 } from '../onnx/weight-encoding.ts';
import { HF_FILES_DIR, tinyConfig } from '../runtime/test-package.ts';
import type { ConvertedPackage } from '../package/convert.ts';
import { measureWeightAccuracy } from './weight-accuracy.ts';
import { convertOrThrow, FIXTURE_DIR, packageModel, temporaryFolder, transformingOpener } from './test-support.ts';

const work = temporaryFolder('hymba-formats-');
const reference = JSON.parse(readFileSync(join(FIXTURE_DIR, 'reference.json'), 'utf8')) as { cases: Record<string, { extended_input_ids: number[] }> };
const sequences = Object.values(reference.cases).map((c) => c.extended_input_ids);
let fp32: ConvertedPackage;

before(async () => {
  fp32 = await convertOrThrow(FIXTURE_DIR, join(work.dir, 'fp32'), { dtype: 'fp32' });
});
after(() => work.cleanup());

const PROJECTION = /(mamba\.(in_proj|out_proj|x_proj\.0|dt_proj\.0)|moe\.experts\.0\.(gate|up|down)_proj)\.weight$|^model\.embed_tokens\.weight$/;

/** What the int4 package computes with: projections (dt_proj too, a ragged block) and the embedding rounded through int4 blocks. */
function int4RoundTrip(name: string, values: Float32Array, shape: readonly number[]): Float32Array {
  if (!PROJECTION.test(name) || shape.length !== 2) return values;
  return dequantizeInt4(quantizeInt4(values, shape[0]!, shape[1]!));
}

test('int4 graph (accuracy_level 0) equals a float32 graph over the dequantized weights within 1e-4', async () => {
  const int4 = await convertOrThrow(FIXTURE_DIR, join(work.dir, 'int4-acc0'), { dtype: 'int4', int4AccuracyLevel: 0, cacheDtype: 'float32' });
  const dequantized = await convertOrThrow(FIXTURE_DIR, join(work.dir, 'fp32-dequantized'), { dtype: 'fp32', open: transformingOpener(int4RoundTrip) });
  // Both with a float32 cache, so only the int4 kernels differ.
  const result = await measureWeightAccuracy(fp32.config, packageModel(dequantized), packageModel(int4), sequences, 'hymba-ref-a');
  assert.ok(result.maxAbsLogitDiff <= 1e-4, `int4 vs dequantized fp32: ${result.maxAbsLogitDiff}`);
  assert.equal(result.top1Agreement, 1);
});

test('int4 with an odd number of blocks per embedding row (the per-block zero-point lookup) is exact too', async () => {
  const hidden = 96; // 3 blocks of 32
  assert.equal(sharesMatMulLayout(hidden), false);
  const configDir = join(work.dir, 'odd-config');
  mkdirSync(configDir);
  writeFileSync(join(configDir, 'config.json'), JSON.stringify({ ...tinyConfig({ layers: 3, hidden }), torch_dtype: 'float32' }));
  for (const name of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(HF_FILES_DIR, name), join(configDir, name));
  const checkpoint = await synthCheckpoint({ configPath: join(configDir, 'config.json'), outDir: join(work.dir, 'odd-checkpoint'), dtype: 'F32', seed: 3 });
  assert.ok(checkpoint.ok);
  const int4 = await convertOrThrow(checkpoint.value.dir, join(work.dir, 'odd-int4'), { dtype: 'int4', int4AccuracyLevel: 0, cacheDtype: 'float32' });
  const dequantized = await convertOrThrow(checkpoint.value.dir, join(work.dir, 'odd-dequantized'), { dtype: 'fp32', open: transformingOpener(int4RoundTrip) });
  const parsed = parseHymbaConfig(JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8')));
  assert.ok(parsed.ok);
  const result = await measureWeightAccuracy(parsed.value, packageModel(dequantized), packageModel(int4), [[1, 500, 9000, 31000, 77, 4242, 12]], 'odd blocks');
  assert.ok(result.maxAbsLogitDiff <= 1e-4, `int4 vs dequantized fp32: ${result.maxAbsLogitDiff}`);
});

test('fp16 weights and cache: max |Δlogit| <= 0.03 and top-1 agreement >= 98 % against fp32', async () => {
  const fp16 = await convertOrThrow(FIXTURE_DIR, join(work.dir, 'fp16'), { dtype: 'fp16' });
  assert.equal(fp16.manifest.cacheDtype, 'float16');
  const result = await measureWeightAccuracy(fp32.config, packageModel(fp32), packageModel(fp16), sequences, 'hymba-ref-a');
  assert.ok(result.maxAbsLogitDiff > 0, 'fp16 rounding must show');
  assert.ok(result.maxAbsLogitDiff <= 0.03, `max |Δ| ${result.maxAbsLogitDiff}`);
  assert.ok(result.top1Agreement >= 0.98, `top-1 ${result.top1Agreement}`);
});

test('int4 (default accuracy_level 4): max |Δlogit| <= 3.3 and top-1 agreement >= 60 % against fp32', async (t) => {
  const int4 = await convertOrThrow(FIXTURE_DIR, join(work.dir, 'int4'), { dtype: 'int4' });
  const result = await measureWeightAccuracy(fp32.config, packageModel(fp32), packageModel(int4), sequences, 'hymba-ref-a');
  t.diagnostic(`int4 vs fp32: max |Δlogit| ${result.maxAbsLogitDiff}, top-1 ${result.top1Agreement}`);
  assert.ok(result.maxAbsLogitDiff <= 3.3, `max |Δ| ${result.maxAbsLogitDiff}`);
  assert.ok(result.top1Agreement >= 0.6, `top-1 ${result.top1Agreement}`);
});
