import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseHymbaConfig } from '../../engine/config/hymba-config.ts';
import { cacheLayers } from './model-package.ts';
import { cacheBytesAt, estimateContextFit, type CacheProfile } from './context-estimate.ts';

const configPath = fileURLToPath(new URL('../../../../shared/fixtures/hymba-1.5b-files/config.json', import.meta.url));
const parsed = parseHymbaConfig(JSON.parse(readFileSync(configPath, 'utf8')));
assert.ok(parsed.ok);
const config = parsed.value;
/** Hymba-1.5B with a 16-bit cache, as in hymba-architecture §7. */
const profile: CacheProfile = { layers: cacheLayers(config, 'float16'), metaTokens: 128, slidingWindow: 1024, maxPositions: 100_000 };

test('the per-layer map of Hymba-1.5B matches the architecture: 17 KV owners, 3 global', () => {
  assert.equal(profile.layers.filter((l) => l.kv === 'owner').length, 17);
  assert.equal(profile.layers.filter((l) => l.attention === 'global').length, 3);
  assert.ok(profile.layers.filter((l) => l.kv === 'owner').every((l) => l.kvBytesPerToken === 1920));
});

test('cache bytes reproduce the table of hymba-architecture §7', () => {
  // T real tokens + 128 meta positions: 41.70 MB at 1,024 tokens, 82.98 MB at 8,192 tokens.
  assert.equal(cacheBytesAt(profile, 1024 + 128), 41_697_280);
  assert.equal(Math.round(cacheBytesAt(profile, 8192 + 128) / 1e4) / 100, 82.98);
});

test('fits-N-tokens grows with the budget and never exceeds it', () => {
  const small = estimateContextFit(profile, 64 * 2 ** 20);
  const large = estimateContextFit(profile, 256 * 2 ** 20);
  assert.equal(small.bytesPerToken, 5760);
  assert.ok(large.fitsTokens > small.fitsTokens);
  for (const fit of [small, large]) {
    assert.ok(cacheBytesAt(profile, fit.fitsTokens) <= (fit === small ? 64 : 256) * 2 ** 20);
    assert.ok(cacheBytesAt(profile, fit.fitsTokens + 1) > (fit === small ? 64 : 256) * 2 ** 20);
  }
  assert.equal(estimateContextFit(profile, 1000).fitsTokens, 0, 'not even the meta tokens fit');
  assert.equal(estimateContextFit({ ...profile, maxPositions: 4096 }, 2 ** 30).fitsTokens, 4096);
});

test('before the sliding windows are full every owner layer grows per position', () => {
  const budget = cacheBytesAt(profile, 600);
  assert.equal(estimateContextFit(profile, budget).fitsTokens, 600);
});
