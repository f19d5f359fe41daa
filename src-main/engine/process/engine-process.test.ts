/**
 * The engine process with real packages: streaming over the protocol, cancel, model switching without a
 * restart, memory returned on unload, and a crash in the middle of a generation followed by recovery.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SAMPLING, type SamplingParams } from '../../contract/domain.ts';
import { tinyPackage } from '../runtime/test-package.ts';
import { EngineClient, type StreamEvent } from './engine-client.ts';
import { nodeEngineLauncher } from './engine-launcher.ts';
import type { EngineStatus } from './protocol.ts';

const settings = { device: 'cpu' as const, threads: 1, cacheBudgetBytes: 64 * 2 ** 20 };
const greedy: SamplingParams = { ...DEFAULT_SAMPLING, temperature: 0, repetitionPenalty: 1, maxTokens: 10 };
let instruct = '';
let base = '';
let big = '';
const client = new EngineClient(nodeEngineLauncher());

before(async () => {
  instruct = await tinyPackage();
  base = await tinyPackage({ base: true });
  big = await tinyPackage({ hidden: 256, layers: 4, seed: 2 });
  await client.start();
});
after(() => client.stop());

test('generation streams tokens whose text adds up to the final text', async () => {
  assert.ok((await client.load(instruct, settings)).ok);
  const handle = client.generate({ mode: 'chat', messages: [{ role: 'user', content: 'Hello!' }] }, greedy);
  const events: StreamEvent[] = [];
  for await (const event of handle.events) events.push(event);
  const done = await handle.result;
  assert.ok(done.ok);
  const streamed = events.filter((e) => e.type === 'token').map((e) => (e as { text: string }).text).join('');
  assert.equal(streamed, done.value.text);
  assert.equal(events.at(-1)?.type, 'done');
  assert.ok(events.some((e) => e.type === 'progress'));
  assert.equal(done.value.metrics.generatedTokens, 10);
});

test('cancel through the client ends the generation with finishReason cancelled', async () => {
  let tokens = 0;
  const handle = client.generate({ mode: 'completion', prompt: 'Count:' }, { ...greedy, maxTokens: 100000 }, (event) => {
    if (event.type === 'token' && ++tokens === 2) handle.cancel();
  });
  const done = await handle.result;
  assert.ok(done.ok);
  assert.equal(done.value.finishReason, 'cancelled');
  assert.ok(done.value.metrics.generatedTokens < 50, `${done.value.metrics.generatedTokens} tokens after cancel`);
});

test('base and instruct packages load in turn without restarting the process', async () => {
  const pid = client.pid;
  const loaded = await client.load(base, settings);
  assert.ok(loaded.ok);
  assert.equal(loaded.value.kind, 'base');
  const chat = await client.generate({ mode: 'chat', messages: [{ role: 'user', content: 'hi' }] }, greedy).result;
  assert.equal(!chat.ok && chat.error.code, 'BAD_REQUEST');
  assert.ok((await client.generate({ mode: 'completion', prompt: 'Once' }, greedy).result).ok);
  const back = await client.load(instruct, settings);
  assert.ok(back.ok && back.value.kind === 'instruct');
  assert.equal(client.pid, pid);
});

test('unloading returns the model memory', async () => {
  // A fresh process, so allocator memory kept from earlier loads does not blur the numbers.
  const own = new EngineClient(nodeEngineLauncher());
  try {
    const dataBytes = statSync(join(big, 'model.onnx.data')).size;
    const rss = async (): Promise<number> => {
      const s = await own.status();
      assert.ok(s.ok);
      return (s.value as EngineStatus).rssBytes;
    };
    const cycle = async (): Promise<{ loaded: number; unloaded: number }> => {
      assert.ok((await own.load(big, settings)).ok);
      assert.ok((await own.generate({ mode: 'completion', prompt: 'Hello' }, { ...greedy, maxTokens: 3 }).result).ok);
      const loaded = await rss();
      assert.ok((await own.unload()).ok);
      return { loaded, unloaded: await rss() };
    };
    const empty = await rss();
    const first = await cycle();
    const second = await cycle();
    const third = await cycle();
    const numbers = `empty ${empty}, cycles ${JSON.stringify([first, second, third])}, weights ${dataBytes}`;
    assert.ok(first.loaded - empty > dataBytes, `loading must show the weights: ${numbers}`);
    assert.ok(first.loaded - first.unloaded > 0.8 * dataBytes, `unloading must return the weights: ${numbers}`);
    // The allocator keeps some pages after the first cycle; from then on, cycles must not accumulate.
    assert.ok(third.unloaded - second.unloaded < 0.5 * dataBytes, `load/unload cycles must not accumulate: ${numbers}`);
    const status = await own.status();
    assert.ok(status.ok && (status.value as EngineStatus).model === null);
  } finally {
    await own.stop();
  }
});

test('a crash during generation is reported, and restart reloads the last model', async () => {
  assert.ok((await client.load(instruct, settings)).ok);
  const pid = client.pid!;
  let killed = false;
  const handle = client.generate({ mode: 'completion', prompt: 'Tell a long story' }, { ...greedy, maxTokens: 100000 }, (event) => {
    if (event.type === 'token' && !killed) {
      killed = true;
      process.kill(pid, 'SIGKILL');
    }
  });
  const result = await handle.result;
  assert.equal(!result.ok && result.error.code, 'ENGINE_CRASHED');
  const restarted = await client.restart();
  assert.ok(restarted.ok && restarted.value !== null);
  assert.equal(restarted.value.packageDir, instruct);
  assert.notEqual(client.pid, pid);
  const after = await client.generate({ mode: 'chat', messages: [{ role: 'user', content: 'Hello!' }] }, greedy).result;
  assert.ok(after.ok);
});
