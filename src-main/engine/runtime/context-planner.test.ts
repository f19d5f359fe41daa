import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { transcriptPrompt, type ChatMessage, type GenerationInput } from '../../contract/domain.ts';
import { parseHymbaConfig } from '../config/hymba-config.ts';
import { cacheBytesAt, cacheLayout } from './cache-layout.ts';
import { dropOldestTurn, planPrompt } from './context-planner.ts';
import { HybridCache, trimSequence } from './hybrid-cache.ts';
import { chunkLengths } from './model-forward.ts';
import { SnapshotStore } from './snapshot-store.ts';
import { tinyConfig } from './test-package.ts';

const config = (() => {
  const parsed = parseHymbaConfig(tinyConfig());
  assert.ok(parsed.ok);
  return parsed.value;
})();
const layout = cacheLayout(config, 'float32');
/** One token per word, plus one per message: enough to exercise the policy. */
const encode = (input: GenerationInput): number[] => {
  const text = input.mode === 'chat' ? input.messages.map((m) => `${m.role} ${m.content}`).join(' ') : input.prompt;
  return text.split(/\s+/).filter(Boolean).map((_, i) => i + 10);
};
const words = (n: number): string => Array.from({ length: n }, (_, i) => `w${i}`).join(' ');

test('dropping turns keeps system messages and the last user message', () => {
  const messages: ChatMessage[] = [
    { role: 'system', content: 's' },
    { role: 'user', content: 'u1' },
    { role: 'assistant', content: 'a1' },
    { role: 'user', content: 'u2' },
  ];
  assert.deepEqual(dropOldestTurn(messages)?.map((m) => m.content), ['s', 'u2']);
  assert.equal(dropOldestTurn([{ role: 'system', content: 's' }, { role: 'user', content: 'u' }]), null);
});

test('a conversation that outgrows the budget drops its oldest turns and reports it', () => {
  const budget = cacheBytesAt(layout, 60).total;
  const messages: ChatMessage[] = [{ role: 'system', content: words(5) }];
  for (let i = 0; i < 5; i++) messages.push({ role: 'user', content: words(8) }, { role: 'assistant', content: words(8) });
  messages.push({ role: 'user', content: words(4) });
  const plan = planPrompt({ mode: 'chat', messages }, encode, layout, budget, 16);
  assert.ok(plan.ok);
  assert.ok(plan.value.drop && plan.value.drop.droppedMessages > 0 && plan.value.drop.droppedMessages % 2 === 0);
  assert.ok(plan.value.ids.length + 16 <= 60);
  const kept = plan.value.input.mode === 'chat' ? plan.value.input.messages : [];
  assert.equal(kept[0]?.content, words(5));
  assert.equal(kept.at(-1)?.content, words(4));
  assert.equal(plan.value.maxPositions, 60 + config.numMetaTokens);
});

test('a Base-model conversation drops its oldest turns to fit, keeping the head and the last turn; a bare completion does not', () => {
  const budget = cacheBytesAt(layout, 60).total;
  const transcript = { head: words(5), turns: Array.from({ length: 8 }, (_, i) => words(6 + i)) };
  const input: GenerationInput = { mode: 'completion', prompt: transcriptPrompt(transcript), transcript };
  assert.ok(encode(input).length + 16 > 60, 'the whole conversation must not fit');
  const plan = planPrompt(input, encode, layout, budget, 16);
  assert.ok(plan.ok);
  assert.ok(plan.value.ids.length + 16 <= 60);
  assert.ok(plan.value.drop && plan.value.drop.droppedMessages > 0);
  const kept = plan.value.input.mode === 'completion' ? plan.value.input.transcript : undefined;
  assert.ok(kept);
  assert.equal(kept.head, transcript.head);
  assert.deepEqual(kept.turns, transcript.turns.slice(plan.value.drop.droppedMessages));
  assert.equal(plan.value.input.mode === 'completion' && plan.value.input.prompt, transcriptPrompt(kept));
  assert.deepEqual(plan.value.ids, encode(plan.value.input));

  const bare = planPrompt({ mode: 'completion', prompt: input.prompt }, encode, layout, budget, 16);
  assert.equal(!bare.ok && bare.error.code, 'PROMPT_TOO_LONG');
  const lastTurnTooLong = { head: '', turns: [words(3), words(70)] };
  const refused = planPrompt({ mode: 'completion', prompt: transcriptPrompt(lastTurnTooLong), transcript: lastTurnTooLong }, encode, layout, budget, 16);
  assert.equal(!refused.ok && refused.error.code, 'PROMPT_TOO_LONG');
});

test('prompts that can never fit and budgets below the fixed part are refused', () => {
  const budget = cacheBytesAt(layout, 20).total;
  const long = planPrompt({ mode: 'chat', messages: [{ role: 'system', content: words(30) }, { role: 'user', content: 'hi' }] }, encode, layout, budget, 4);
  assert.equal(!long.ok && long.error.code, 'PROMPT_TOO_LONG');
  const completion = planPrompt({ mode: 'completion', prompt: words(25) }, encode, layout, budget, 4);
  assert.equal(!completion.ok && completion.error.code, 'PROMPT_TOO_LONG');
  const tiny = planPrompt({ mode: 'completion', prompt: 'hi' }, encode, layout, cacheBytesAt(layout, 0).total, 4);
  assert.equal(!tiny.ok && tiny.error.code, 'BUDGET_TOO_SMALL');
});

test('prefill chunks never end with a single position', () => {
  assert.deepEqual(chunkLengths(513, 256), [256, 255, 2]);
  assert.deepEqual(chunkLengths(257, 256), [255, 2]);
  assert.deepEqual(chunkLengths(1, 256), [1]);
  for (let n = 2; n < 40; n++) {
    const c = chunkLengths(n, 5);
    assert.equal(c.reduce((a, b) => a + b, 0), n);
    assert.ok(c.at(-1)! > 1 && c.every((x) => x <= 5 && x > 0));
  }
});

test('trimming keeps the meta prefix and the most recent entries of every head', () => {
  // [1, 2 heads, 6 entries, 1 dim]: value = head·100 + entry
  const t = new ort.Tensor('float32', Float32Array.from([0, 1, 2, 3, 4, 5, 100, 101, 102, 103, 104, 105]), [1, 2, 6, 1]);
  const trimmed = trimSequence(t, 2, 3);
  assert.deepEqual(trimmed.dims, [1, 2, 5, 1]);
  assert.deepEqual([...(trimmed.data as Float32Array)], [0, 1, 3, 4, 5, 100, 101, 103, 104, 105]);
  assert.equal(trimSequence(t, 3, 3), t);
});

test('an empty hybrid cache holds only the constant SSM/conv state', () => {
  const cache = HybridCache.empty(config, 'float16');
  const bytes = cache.bytes();
  assert.equal(bytes.globalKv + bytes.slidingKv, 0);
  assert.equal(bytes.ssm + bytes.conv, cacheBytesAt(cacheLayout(config, 'float16'), 0).ssm + cacheBytesAt(cacheLayout(config, 'float16'), 0).conv);
  assert.equal(cache.positions, 0);
});

test('the snapshot store finds the longest usable prefix and evicts the least recently used', () => {
  const cache = HybridCache.empty(config, 'float32');
  const store = new SnapshotStore(2, 4);
  const logits = new Float32Array(1);
  store.put([1, 2], cache, logits);
  store.put([1, 2, 3, 4], cache, logits);
  assert.deepEqual(store.longestPrefix([1, 2, 3, 4, 5, 6])?.tokens, [1, 2, 3, 4]);
  assert.deepEqual(store.longestPrefix([1, 2, 9])?.tokens, [1, 2]);
  // one token past a snapshot of >= W tokens would change the window (§4): the shorter one is used instead
  assert.deepEqual(store.longestPrefix([1, 2, 3, 4, 5])?.tokens, [1, 2]);
  store.put([7], cache, logits); // evicts the least recently used ([1, 2, 3, 4])
  assert.equal(store.size, 2);
  assert.equal(store.longestPrefix([1, 2, 3, 4, 5, 6])?.tokens.length, 2);
});
