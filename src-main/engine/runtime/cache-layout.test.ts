import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseHymbaConfig, type HymbaConfig } from '../config/hymba-config.ts';
import { cacheBytesAt, cacheLayout, growthBytesPerToken, kvBytesPerToken, maxTokensForBudget } from './cache-layout.ts';

const shared = new URL('../../../../shared/fixtures/', import.meta.url);

function realConfig(): HymbaConfig {
  const parsed = parseHymbaConfig(JSON.parse(readFileSync(new URL('hymba-1.5b-files/config.json', shared), 'utf8')));
  assert.ok(parsed.ok);
  return parsed.value;
}

test('per-layer layout of the 1.5B model: 17 KV owners at 1920 B/token in float16, consumers store nothing', () => {
  const layout = cacheLayout(realConfig(), 'float16');
  assert.equal(layout.kvBytesPerTokenPerLayer, 1920);
  assert.equal(layout.globalKvLayers, 3);
  assert.equal(layout.slidingKvLayers, 14);
  assert.equal(layout.layers.filter((l) => l.kv === 'shared').every((l) => l.kvBytesPerToken === 0), true);
  assert.equal(layout.layers[18]!.kvSourceLayer, 16);
  assert.equal(layout.ssmBytes, 3_276_800);
  assert.equal(layout.convBytes, 819_200);
  assert.equal(growthBytesPerToken(layout), 5760);
  assert.equal(kvBytesPerToken(layout), 17 * 1920);
});

// hymba-architecture §7 table (bytes, meta included).
for (const [tokens, total, global] of [
  [1024, 41_697_280, 6_635_520],
  [4096, 59_392_000, 24_330_240],
  [8192, 82_984_960, 47_923_200],
  [32768, 224_542_720, 189_480_960],
] as const) {
  test(`float16 cache at ${tokens} tokens equals the §7 formula`, () => {
    const bytes = cacheBytesAt(cacheLayout(realConfig(), 'float16'), tokens);
    assert.equal(bytes.total, total);
    assert.equal(bytes.globalKv, global);
    assert.equal(bytes.slidingKv, 30_965_760);
    assert.equal(bytes.ssm + bytes.conv, 4_096_000);
    assert.equal(bytes.meta, 17 * 1920 * 128);
  });
}

test('float32 cache doubles every category', () => {
  const half = cacheBytesAt(cacheLayout(realConfig(), 'float16'), 500);
  const full = cacheBytesAt(cacheLayout(realConfig(), 'float32'), 500);
  assert.equal(full.total, 2 * half.total);
});

test('sliding layers grow until meta + window, then stay constant', () => {
  const layout = cacheLayout(realConfig(), 'float16');
  assert.equal(cacheBytesAt(layout, 100).slidingKv, 14 * 1920 * 228);
  assert.equal(cacheBytesAt(layout, 1024).slidingKv, cacheBytesAt(layout, 5000).slidingKv);
});

test('the largest context for a budget fits it, and one more token does not', () => {
  const layout = cacheLayout(realConfig(), 'float16');
  for (const budget of [40e6, 82_984_960, 100e6, 256 * 2 ** 20]) {
    const tokens = maxTokensForBudget(layout, budget);
    assert.ok(tokens !== null && tokens >= 0);
    assert.ok(cacheBytesAt(layout, tokens).total <= budget);
    assert.ok(cacheBytesAt(layout, tokens + 1).total > budget);
  }
  assert.equal(maxTokensForBudget(layout, 82_984_960), 8192);
  assert.equal(maxTokensForBudget(layout, 1_000_000), -1);
});

test('a model without global layers has an unbounded context once its window fits', () => {
  const layout = cacheLayout({ ...realConfig(), layers: realConfig().layers.map((l) => ({ ...l, attention: 'sliding' as const })) }, 'float16');
  assert.equal(maxTokensForBudget(layout, 1e9), null);
});
