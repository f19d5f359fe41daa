import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatCount, formatMs, formatParameters, formatRate } from './format.ts';

test('bytes use binary units with three significant digits', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1536), '1.50 KiB');
  assert.equal(formatBytes(30_965_760), '29.5 MiB');
  assert.equal(formatBytes(512 * 2 ** 20), '512 MiB');
  assert.equal(formatBytes(-1), '–');
});

test('counts, parameters, rates and durations', () => {
  assert.equal(formatCount(12345.4), '12,345');
  assert.equal(formatParameters(1_522_797_824), '1.52B');
  assert.equal(formatParameters(3_400_000), '3.4M');
  assert.equal(formatRate(12.345), '12.3');
  assert.equal(formatRate(250.4), '250');
  assert.equal(formatMs(350.2), '350 ms');
  assert.equal(formatMs(1500), '1.50 s');
});
