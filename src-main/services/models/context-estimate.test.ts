import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseHymbaConfig } from '../../engine/config/hymba-config.ts';
import { cacheBytesAt, cacheLayout } from '../../engine/runtime/cache-layout.ts';
import { estimateContextFit } from './context-estimate.ts';

const configPath = fileURLToPath(new URL('../../../../shared/fixtures/hymba-1.5b-files/config.json', import.meta.url));
const parsed = parseHymbaConfig(JSON.parse(readFileSync(configPath, 'utf8')));
assert.ok(parsed.ok);
/** Hymba-1.5B with a 16-bit cache, as in hymba-architecture §7. */
const layout = cacheLayout(parsed.value, 'float16');
const positionsBytes = (positions: number): number => cacheBytesAt(layout, positions - 128).total;

test('fits-N-tokens grows with the budget and never exceeds it', () => {
  const small = estimateContextFit(layout, 40 * 2 ** 20);
  const large = estimateContextFit(layout, 60 * 2 ** 20);
  assert.equal(small.bytesPerToken, 5760);
  assert.ok(large.fitsTokens > small.fitsTokens);
  for (const [fit, budget] of [[small, 40 * 2 ** 20], [large, 60 * 2 ** 20]] as const) {
    assert.ok(positionsBytes(fit.fitsTokens) <= budget);
    assert.ok(positionsBytes(fit.fitsTokens + 1) > budget);
  }
  assert.equal(estimateContextFit(layout, 1000).fitsTokens, 0, 'not even the meta tokens fit');
});

test('a large budget is capped at the model context (max_position_embeddings real tokens + meta)', () => {
  assert.equal(estimateContextFit(layout, 2 ** 30).fitsTokens, 8192 + 128);
});

test('before the sliding windows are full every owner layer grows per position', () => {
  const budget = positionsBytes(600);
  assert.equal(estimateContextFit(layout, budget).fitsTokens, 600);
});
