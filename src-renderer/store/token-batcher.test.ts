import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TokenEvent } from '../../src-main/contract/ipc.ts';
import { createTokenBatcher } from './token-batcher.ts';

const token = (text: string): TokenEvent => ({ conversationId: 'c', messageId: 'm', requestId: 'r', text });

function manualFrames() {
  const callbacks: (() => void)[] = [];
  return { schedule: (callback: () => void) => void callbacks.push(callback), runFrame: () => callbacks.splice(0).forEach((run) => run()), count: () => callbacks.length };
}

test('tokens that arrive within one frame are applied together, in order, once', () => {
  const frames = manualFrames();
  const applied: string[][] = [];
  const batcher = createTokenBatcher((events) => applied.push(events.map((e) => e.text)), frames.schedule);
  batcher.push(token('a'));
  batcher.push(token('b'));
  batcher.push(token('c'));
  assert.equal(frames.count(), 1, 'one frame is asked for, not one per token');
  assert.deepEqual(applied, []);
  frames.runFrame();
  assert.deepEqual(applied, [['a', 'b', 'c']]);
  batcher.push(token('d'));
  frames.runFrame();
  assert.deepEqual(applied, [['a', 'b', 'c'], ['d']]);
});

test('flush applies pending tokens at once and the frame then has nothing left to do', () => {
  const frames = manualFrames();
  const applied: string[][] = [];
  const batcher = createTokenBatcher((events) => applied.push(events.map((e) => e.text)), frames.schedule);
  batcher.push(token('x'));
  batcher.flush();
  assert.deepEqual(applied, [['x']]);
  frames.runFrame();
  assert.deepEqual(applied, [['x']]);
});

test('after close, pending and later tokens are dropped', () => {
  const frames = manualFrames();
  const applied: string[][] = [];
  const batcher = createTokenBatcher((events) => applied.push(events.map((e) => e.text)), frames.schedule);
  batcher.push(token('x'));
  batcher.close();
  batcher.push(token('y'));
  frames.runFrame();
  assert.deepEqual(applied, []);
});
