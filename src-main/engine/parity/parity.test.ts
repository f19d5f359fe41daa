import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CachedRunner, trimSlidingCache } from './cached-runner.ts';
import { PARITY_TOLERANCE, runParity } from './parity.ts';
import { convertOrThrow, FIXTURE_DIR, packageModel, temporaryFolder } from './test-support.ts';

const work = temporaryFolder();
let runner: CachedRunner;
const reference = JSON.parse(readFileSync(join(FIXTURE_DIR, 'reference.json'), 'utf8')) as { cases: Record<string, { extended_input_ids: number[] }> };

before(async () => {
  const converted = await convertOrThrow(FIXTURE_DIR, join(work.dir, 'fp32'), { dtype: 'fp32' });
  runner = await CachedRunner.create(packageModel(converted).modelPath, converted.config, 'float32');
});
after(async () => {
  await runner.release();
  work.cleanup();
});

test('hymba-ref-a: prompt, extended and cached greedy decode match the official logits within 1e-4', async () => {
  const lines: string[] = [];
  const result = await runParity(FIXTURE_DIR, (line) => lines.push(line));
  assert.ok(result.ok, JSON.stringify(!result.ok && result.error));
  const report = result.value;
  assert.equal(report.fixture, 'hymba-ref-a');
  assert.deepEqual(report.cases.map((c) => c.name).sort(), ['prompt5', 'prompt60']);
  for (const c of report.cases) {
    assert.ok(c.promptMaxAbs <= PARITY_TOLERANCE, `${c.name} prompt ${c.promptMaxAbs}`);
    assert.ok(c.extendedMaxAbs <= PARITY_TOLERANCE, `${c.name} extended ${c.extendedMaxAbs}`);
    assert.ok(c.decodeMaxAbs <= PARITY_TOLERANCE, `${c.name} decode ${c.decodeMaxAbs}`);
    assert.deepEqual(c.tokenMismatches, []);
    assert.equal(c.steps, 25);
  }
  assert.ok(report.pass);
  assert.equal(lines.length, 2);
});

test('chunked prefill (caches fed back, sliding caches trimmed) equals one-shot prefill within 1e-4', async () => {
  const ids = reference.cases.prompt60!.extended_input_ids; // 84 tokens: well past the window of 16
  const V = runner.config.vocabSize;
  runner.reset();
  const oneShot = await runner.forward(ids, ids.length);
  runner.reset();
  const chunked = new Float32Array(ids.length * V);
  for (let start = 0; start < ids.length; start += 7) {
    const chunk = ids.slice(start, start + 7);
    chunked.set(await runner.forward(chunk, chunk.length), start * V);
  }
  const M = runner.config.numMetaTokens;
  assert.equal(runner.kvLength(1), M + runner.config.slidingWindow, 'sliding producer trimmed to M + W');
  assert.equal(runner.kvLength(0), M + ids.length, 'global layer keeps everything');
  let worst = 0;
  for (let i = 0; i < oneShot.length; i++) worst = Math.max(worst, Math.abs(oneShot[i]! - chunked[i]!));
  assert.ok(worst <= 1e-4, `max |Δ| ${worst}`);
});

test('one-token steps use the W − 1 window: a tokenwise run differs from the one-shot forward past the window', async () => {
  const ids = reference.cases.prompt60!.extended_input_ids.slice(0, 40);
  const V = runner.config.vocabSize;
  runner.reset();
  const oneShot = await runner.forward(ids, ids.length);
  runner.reset();
  let worstEarly = 0;
  let worstLate = 0;
  for (let t = 0; t < ids.length; t++) {
    const row = await runner.forward([ids[t]!], 1);
    for (let k = 0; k < V; k++) {
      const d = Math.abs(row[k]! - oneShot[t * V + k]!);
      // A query at real index t sits at position M + t and can reach key distance W only when M + t >= W.
      if (runner.config.numMetaTokens + t < runner.config.slidingWindow) worstEarly = Math.max(worstEarly, d);
      else worstLate = Math.max(worstLate, d);
    }
  }
  assert.ok(worstEarly <= 1e-4, `before the window fills: ${worstEarly}`);
  assert.ok(worstLate > 1e-2, `after the window fills the W vs W−1 rule must show: ${worstLate}`);
});

test('trimSlidingCache keeps the first M and the last W entries of every head', () => {
  // [1, 2 heads, 6 entries, dim 1]
  const data = Float32Array.from([0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15]);
  assert.deepEqual([...trimSlidingCache(data, 2, 6, 1, 2, 2)], [0, 1, 4, 5, 10, 11, 14, 15]);
  assert.equal(trimSlidingCache(data, 2, 6, 1, 2, 4), data);
});
