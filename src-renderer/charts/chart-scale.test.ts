import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTick, linePath, niceByteTicks, niceTicks } from './chart-scale.ts';

test('nice ticks cover the maximum with round steps', () => {
  assert.deepEqual(niceTicks(37), [0, 10, 20, 30, 40]);
  assert.deepEqual(niceTicks(1), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(niceTicks(0), [0, 1]);
  const big = niceTicks(1234);
  assert.ok((big[big.length - 1] ?? 0) >= 1234);
});

test('line path maps time and value into the plot box and skips old points', () => {
  const box = { left: 0, top: 0, width: 100, height: 50 };
  const d = linePath([{ t: 0, v: 5 }, { t: 50, v: 10 }, { t: 100, v: 0 }], 100, 50, 10, box);
  assert.equal(d, 'M0.0,0.0 L100.0,50.0');
  assert.equal(linePath([], 100, 50, 10, box), '');
});

test('tick labels are short', () => {
  assert.equal(formatTick(2500), '2.5k');
  assert.equal(formatTick(0.25), '0.25');
  assert.equal(formatTick(40), '40');
});

test('byte ticks step in round binary units', () => {
  assert.deepEqual(niceByteTicks(300 * 1024), [0, 100 * 1024, 200 * 1024, 300 * 1024]);
  assert.deepEqual(niceByteTicks(3 * 2 ** 20), [0, 2 ** 20, 2 * 2 ** 20, 3 * 2 ** 20]);
  assert.deepEqual(niceByteTicks(0), [0, 1024]);
});
