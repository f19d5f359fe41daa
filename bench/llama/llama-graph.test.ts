import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { llamaKvBytesPerToken, llamaParameterCount, LLAMA_3_2_3B, type LlamaShape } from './llama-config.ts';
import { LlamaCache, LlamaForward } from './llama-forward.ts';
import { ensureLlamaPackage } from './llama-package.ts';

const TINY: LlamaShape = { vocabSize: 256, hiddenSize: 64, numLayers: 2, numHeads: 4, numKvHeads: 2, headDim: 16, intermediateSize: 128, ropeTheta: 500000, rmsNormEps: 1e-5 };

test('the Llama-3.2-3B shape has 3.21e9 parameters and 114,688 B of float16 KV per token', () => {
  assert.equal(llamaParameterCount(LLAMA_3_2_3B), 3_212_749_824);
  assert.equal(llamaKvBytesPerToken(LLAMA_3_2_3B, 2), 114_688);
});

test('cached decode of the Llama graph equals a one-pass prompt, and the live cache matches the formula', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'llama-tiny-'));
  try {
    const pkg = await ensureLlamaPackage(join(dir, 'pkg'), TINY);
    assert.equal(pkg.built, true);
    assert.equal((await ensureLlamaPackage(join(dir, 'pkg'), TINY)).built, false, 'a second call reuses the package');
    const forward = await LlamaForward.load(pkg.modelPath, TINY, 'cpu', 1);
    const stepwise = LlamaCache.filled(TINY, 0);
    await forward.step(stepwise, [1, 5, 7, 9]);
    const last = await forward.step(stepwise, [11]);
    const whole = await forward.step(LlamaCache.filled(TINY, 0), [1, 5, 7, 9, 11]);
    const diff = Math.max(...Array.from(last, (v, i) => Math.abs(v - whole[i]!)));
    assert.ok(diff < 1e-3, `decode and prompt logits differ by ${diff}`);
    assert.equal(stepwise.positions, 5);
    assert.equal(stepwise.bytes(), 5 * llamaKvBytesPerToken(TINY, 2));
    await forward.release();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
