/**
 * The runtime on a real (tiny, random-weight) package built by the converter: chunked prefill, cache
 * accounting against the formulas, determinism, cancellation, snapshots, stop strings and budget errors.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SAMPLING, type ChatMessage, type SamplingParams } from '../../contract/domain.ts';
import { cacheBytesAt, slidingCapacity } from './cache-layout.ts';
import { Engine } from './engine.ts';
import { generate } from './generation-loop.ts';
import { loadModel, type LoadedModel } from './loaded-model.ts';
import { SnapshotStore } from './snapshot-store.ts';
import { tinyPackage } from './test-package.ts';

const greedy: SamplingParams = { ...DEFAULT_SAMPLING, temperature: 0, repetitionPenalty: 1, maxTokens: 12 };
const tuning = { device: 'cpu' as const, threads: 1, allowSpinning: false };
let packageDir = '';
let model: LoadedModel;

before(async () => {
  packageDir = await tinyPackage();
  const loaded = await loadModel(packageDir, tuning);
  assert.ok(loaded.ok, JSON.stringify(!loaded.ok && loaded.error));
  model = loaded.value;
});
after(async () => model?.release());

/** A fresh model view with its own snapshot store (so one test's snapshots do not help another). */
const fresh = (): LoadedModel => ({ ...model, snapshots: new SnapshotStore(6, model.pkg.config.slidingWindow) });

const longPrompt = 'The quick brown fox jumps over the lazy dog while seven wizards quietly juggle boxes of frozen yogurt near the old mill.';

test('chunked prefill gives the same logits as one-shot prefill (1e-4) and sliding layers never exceed meta + W + chunk', async () => {
  const ids = model.tokenizer.encodeInput({ mode: 'completion', prompt: longPrompt });
  const { config } = model.pkg;
  assert.ok(ids.length > config.slidingWindow + 4, 'the prompt must be longer than the window');
  const oneShot = model.forward.withPrefillChunk(4096);
  const chunked = model.forward.withPrefillChunk(5);
  const a = model.metaCache.fork();
  const b = model.metaCache.fork();
  const logitsA = await oneShot.prefill(a, ids);
  let peak = 0;
  const logitsB = await chunked.prefill(b, ids, () => {
    for (const [layer, length] of b.kvLengths()) if (config.layers[layer]!.attention === 'sliding') peak = Math.max(peak, length);
  });
  let maxDiff = 0;
  for (let i = 0; i < logitsA.length; i++) maxDiff = Math.max(maxDiff, Math.abs(logitsA[i]! - logitsB[i]!));
  assert.ok(maxDiff < 1e-4, `max |Δlogit| = ${maxDiff}`);
  assert.ok(peak <= slidingCapacity(model.layout), `sliding cache held ${peak} entries between chunks`);
  assert.equal(a.positions, config.numMetaTokens + ids.length);
  for (const [layer, length] of a.kvLengths()) {
    const expected = config.layers[layer]!.attention === 'sliding' ? slidingCapacity(model.layout) : a.positions;
    assert.equal(length, expected, `layer ${layer}`);
  }
  assert.deepEqual(a.bytes(), cacheBytesAt(model.layout, ids.length));
});

test('prompt chunks with the SSM in closed form (ssm_parallel, how GPUs run them) match the Scan within 1e-4, the state too', async () => {
  assert.equal(model.forward.ssmParallel, false, 'the CPU runs the Scan');
  const ids = model.tokenizer.encodeInput({ mode: 'completion', prompt: longPrompt });
  const scan = model.forward.withPrefillChunk(16, false);
  const closed = model.forward.withPrefillChunk(16, true);
  const a = model.metaCache.fork();
  const b = model.metaCache.fork();
  const maxDiff = (x: Float32Array, y: Float32Array) => x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i]!)), 0);
  let diff = maxDiff(await scan.prefill(a, ids), await closed.prefill(b, ids));
  // Decode steps read the SSM state each form left behind.
  for (const id of ids.slice(0, 4)) diff = Math.max(diff, maxDiff(await scan.step(a, [id]), await scan.step(b, [id])));
  assert.ok(diff < 1e-4, `max |Δlogit| = ${diff}`);
  assert.ok(diff > 0, 'the two forms are different computations');
  a.release();
  b.release();
});

test('cache bytes after a generation equal the formula at the context reached', async () => {
  const result = await generate(fresh(), { input: { mode: 'completion', prompt: longPrompt }, sampling: { ...greedy, maxTokens: 30 }, budgetBytes: 64 * 2 ** 20 });
  assert.ok(result.ok);
  const m = result.value.metrics;
  assert.deepEqual(m.cache, cacheBytesAt(model.layout, m.contextTokens - model.layout.numMetaTokens));
  assert.equal(m.contextTokens, model.layout.numMetaTokens + m.promptTokens + m.generatedTokens - 1);
});

test('the same seed gives the same text; another seed a different one', async () => {
  const sampling: SamplingParams = { ...DEFAULT_SAMPLING, temperature: 1.2, topK: 0, topP: 1, minP: 0, maxTokens: 16 };
  const run = async (seed: number): Promise<string> => {
    const r = await generate(fresh(), { input: { mode: 'completion', prompt: 'Once upon a time' }, sampling: { ...sampling, seed }, budgetBytes: 64 * 2 ** 20 });
    assert.ok(r.ok);
    return r.value.tokenIds.join(',');
  };
  const first = await run(11);
  assert.equal(await run(11), first);
  assert.notEqual(await run(12), first);
});

test('cancellation takes effect within one decode step and keeps the text so far', async () => {
  const controller = new AbortController();
  let tokens = 0;
  const r = await generate(
    fresh(),
    { input: { mode: 'completion', prompt: 'Count with me' }, sampling: { ...greedy, maxTokens: 200 }, budgetBytes: 64 * 2 ** 20, signal: controller.signal },
    {
      onToken: () => {
        tokens++;
        if (tokens === 3) controller.abort();
      },
    },
  );
  assert.ok(r.ok);
  assert.equal(r.value.finishReason, 'cancelled');
  assert.ok(r.value.tokenIds.length <= 4, `generated ${r.value.tokenIds.length} tokens after cancel at 3`);
});

test('snapshot rewind gives the same tokens as a fresh prefill (regenerate, edit, next turn)', async () => {
  const convo: ChatMessage[] = [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: longPrompt },
  ];
  const withSnapshots = fresh();
  const run = async (m: LoadedModel, messages: ChatMessage[]) => {
    const r = await generate(m, { input: { mode: 'chat', messages }, sampling: greedy, budgetBytes: 64 * 2 ** 20 });
    assert.ok(r.ok);
    return r.value;
  };
  const first = await run(withSnapshots, convo);
  assert.equal(first.metrics.reusedTokens, 0);
  const regenerated = await run(withSnapshots, convo);
  assert.equal(regenerated.metrics.reusedTokens, regenerated.metrics.promptTokens, 'regenerate reuses the whole prompt');
  assert.deepEqual(regenerated.tokenIds, first.tokenIds);

  const next = [...convo, { role: 'assistant' as const, content: first.text }, { role: 'user' as const, content: 'And then what happened to the fox?' }];
  const continued = await run(withSnapshots, next);
  assert.ok(continued.metrics.reusedTokens > first.metrics.promptTokens, `next turn reused ${continued.metrics.reusedTokens} tokens`);
  assert.deepEqual(continued.tokenIds, (await run(fresh(), next)).tokenIds);

  const edited = [...next.slice(0, -1), { role: 'user' as const, content: 'Say something else entirely.' }];
  const editedRun = await run(withSnapshots, edited);
  assert.ok(editedRun.metrics.reusedTokens > 0);
  assert.deepEqual(editedRun.tokenIds, (await run(fresh(), edited)).tokenIds);
});

test('editing the last message of a loaded conversation resumes at the turn boundary and matches a fresh prefill', async () => {
  const history: ChatMessage[] = [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'What is a lighthouse?' },
    { role: 'assistant', content: 'A tower with a lamp that guides ships.' },
    { role: 'user', content: 'Who keeps it?' },
  ];
  const m = fresh();
  const run = async (target: LoadedModel, messages: ChatMessage[]) => {
    const r = await generate(target, { input: { mode: 'chat', messages }, sampling: greedy, budgetBytes: 64 * 2 ** 20 });
    assert.ok(r.ok);
    return r.value;
  };
  await run(m, history);
  const edited = [...history.slice(0, -1), { role: 'user' as const, content: 'How tall is it usually?' }];
  const resumed = await run(m, edited);
  const boundary = m.tokenizer.encodeTurnBoundary(edited)!.length;
  assert.equal(resumed.metrics.reusedTokens, boundary);
  assert.deepEqual(resumed.tokenIds, (await run(fresh(), edited)).tokenIds);
});

test('stop strings end generation and never appear in the text', async () => {
  const free = await generate(fresh(), { input: { mode: 'completion', prompt: 'Once upon a time' }, sampling: { ...greedy, maxTokens: 16 }, budgetBytes: 64 * 2 ** 20 });
  assert.ok(free.ok && free.value.text.length > 6);
  const stop = free.value.text.slice(3, 6);
  const r = await generate(fresh(), { input: { mode: 'completion', prompt: 'Once upon a time' }, sampling: { ...greedy, maxTokens: 16, stop: [stop] }, budgetBytes: 64 * 2 ** 20 });
  assert.ok(r.ok);
  assert.equal(r.value.finishReason, 'stop');
  assert.equal(r.value.text, free.value.text.slice(0, free.value.text.indexOf(stop)));
});

test('a budget below the fixed part and a prompt that can never fit are refused before any work', async () => {
  const fixed = cacheBytesAt(model.layout, 0).total;
  const tiny = await generate(fresh(), { input: { mode: 'completion', prompt: 'hi' }, sampling: greedy, budgetBytes: fixed - 1 });
  assert.equal(!tiny.ok && tiny.error.code, 'BUDGET_TOO_SMALL');
  const small = cacheBytesAt(model.layout, 10).total;
  const long = await generate(fresh(), { input: { mode: 'completion', prompt: longPrompt }, sampling: greedy, budgetBytes: small });
  assert.equal(!long.ok && long.error.code, 'PROMPT_TOO_LONG');
});

test('a multi-turn soak under a small budget never exceeds it and reports every drop', async () => {
  const engine = new Engine();
  const budget = cacheBytesAt(model.layout, 140).total;
  const loaded = await engine.load(packageDir, { device: 'cpu', threads: 1, cacheBudgetBytes: budget });
  assert.ok(loaded.ok);
  const messages: ChatMessage[] = [{ role: 'system', content: 'Be brief.' }];
  let drops = 0;
  let peak = 0;
  for (let turn = 0; turn < 8; turn++) {
    messages.push({ role: 'user', content: `Turn ${turn}: tell me about the number ${turn * 7} and the colour blue.` });
    const r = await engine.generate(
      { input: { mode: 'chat', messages }, sampling: { ...greedy, maxTokens: 24 } },
      {
        onContextDrop: (drop) => {
          drops++;
          assert.ok(drop.droppedMessages > 0 && drop.droppedTokens > 0);
        },
        onCache: (cache) => {
          peak = Math.max(peak, cache.bytes().total);
        },
      },
    );
    assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
    assert.ok(r.value.metrics.cache.total <= budget);
    assert.ok(r.value.metrics.contextTokens <= r.value.metrics.maxContextTokens);
    messages.push({ role: 'assistant', content: r.value.text });
  }
  assert.ok(peak <= budget, `peak ${peak} > budget ${budget}`);
  assert.ok(drops > 0, 'the conversation must outgrow the budget');
  await engine.unload();
});
