/**
 * The Engine on real tiny packages: a float16 cache (int4 weights) accounted exactly, and settings that
 * apply to the next request.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SAMPLING, type SamplingParams } from '../../contract/domain.ts';
import { cacheBytesAt, cacheLayout } from './cache-layout.ts';
import { Engine } from './engine.ts';
import { readRuntimePackage } from './package-reader.ts';
import { tinyPackage } from './test-package.ts';

const greedy: SamplingParams = { ...DEFAULT_SAMPLING, temperature: 0, repetitionPenalty: 1, maxTokens: 20 };
const prompt = 'The lighthouse keeper counted ships until the fog rolled over the harbour and the bells went quiet.';

test('an int4 package keeps a float16 cache whose bytes equal the formula by category', async () => {
  const dir = await tinyPackage({ format: 'int4' });
  const pkg = await readRuntimePackage(dir);
  assert.ok(pkg.ok);
  assert.equal(pkg.value.cacheDtype, 'float16');
  const engine = new Engine();
  assert.ok((await engine.load(dir, { device: 'cpu', threads: 1, cacheBudgetBytes: 64 * 2 ** 20 })).ok);
  const result = await engine.generate({ input: { mode: 'completion', prompt }, sampling: greedy });
  assert.ok(result.ok);
  const layout = cacheLayout(pkg.value.config, 'float16');
  const m = result.value.metrics;
  assert.ok(m.contextTokens > layout.numMetaTokens + layout.slidingWindow, 'the window must be full');
  assert.deepEqual(m.cache, cacheBytesAt(layout, m.contextTokens - layout.numMetaTokens));
  assert.deepEqual(engine.status().cache, m.cache);
  await engine.unload();
});

test('a budget change applies to the next request', async () => {
  const dir = await tinyPackage();
  const engine = new Engine();
  const pkg = await readRuntimePackage(dir);
  assert.ok(pkg.ok);
  const layout = cacheLayout(pkg.value.config, pkg.value.cacheDtype);
  assert.ok((await engine.load(dir, { device: 'cpu', threads: 1, cacheBudgetBytes: 64 * 2 ** 20 })).ok);
  const roomy = await engine.generate({ input: { mode: 'completion', prompt }, sampling: greedy });
  assert.ok(roomy.ok && roomy.value.finishReason === 'length' && roomy.value.metrics.generatedTokens === 20);

  const promptTokens = roomy.value.metrics.promptTokens;
  const tight = cacheBytesAt(layout, promptTokens + 5).total;
  assert.ok((await engine.configure({ cacheBudgetBytes: tight })).ok);
  assert.equal(engine.status().maxContextTokens, layout.numMetaTokens + promptTokens + 5);
  const capped = await engine.generate({ input: { mode: 'completion', prompt }, sampling: greedy });
  assert.ok(capped.ok);
  assert.equal(capped.value.finishReason, 'length');
  assert.ok(capped.value.metrics.cache.total <= tight);
  assert.equal(capped.value.metrics.contextTokens, capped.value.metrics.maxContextTokens);
  assert.deepEqual(capped.value.tokenIds, roomy.value.tokenIds.slice(0, capped.value.tokenIds.length), 'the capped reply is a prefix of the roomy one');
  await engine.unload();
});
