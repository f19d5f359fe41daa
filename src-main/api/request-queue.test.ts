import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestQueue } from './request-queue.ts';

test('turns are granted one at a time in arrival order and a full queue refuses at once', async () => {
  const queue = new RequestQueue(2);
  const signal = new AbortController().signal;
  const first = await queue.acquire(signal);
  assert.ok(first.ok);
  const order: string[] = [];
  const second = queue.acquire(signal).then((turn) => (order.push('second'), turn));
  const third = queue.acquire(signal).then((turn) => (order.push('third'), turn));
  assert.deepEqual(await queue.acquire(signal), { ok: false, reason: 'full' });
  assert.equal(queue.waiting, 2);
  first.release();
  first.release();
  const secondTurn = await second;
  assert.ok(secondTurn.ok);
  assert.deepEqual(order, ['second'], 'a double release must not skip a waiter');
  secondTurn.release();
  const thirdTurn = await third;
  assert.ok(thirdTurn.ok);
  assert.deepEqual(order, ['second', 'third']);
  thirdTurn.release();
  assert.equal(queue.running, false);
  assert.equal(queue.waiting, 0);
});

test('an aborted waiter leaves the queue and the turn passes to the next one', async () => {
  const queue = new RequestQueue(2);
  const first = await queue.acquire(new AbortController().signal);
  assert.ok(first.ok);
  const leaving = new AbortController();
  const gone = queue.acquire(leaving.signal);
  const next = queue.acquire(new AbortController().signal);
  leaving.abort();
  assert.deepEqual(await gone, { ok: false, reason: 'aborted' });
  assert.equal(queue.waiting, 1);
  first.release();
  const nextTurn = await next;
  assert.ok(nextTurn.ok);
  nextTurn.release();
  assert.equal(queue.running, false);
});

test('a zero limit admits only the running request, and an aborted signal never gets a turn', async () => {
  const queue = new RequestQueue(0);
  const aborted = new AbortController();
  aborted.abort();
  assert.deepEqual(await queue.acquire(aborted.signal), { ok: false, reason: 'aborted' });
  const only = await queue.acquire(new AbortController().signal);
  assert.ok(only.ok);
  assert.deepEqual(await queue.acquire(new AbortController().signal), { ok: false, reason: 'full' });
  only.release();
  assert.throws(() => new RequestQueue(-1), RangeError);
});
