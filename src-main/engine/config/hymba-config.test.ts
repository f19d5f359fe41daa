import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseHymbaConfig } from './hymba-config.ts';

const shared = new URL('../../../../shared/fixtures/', import.meta.url);
const readJson = (rel: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(rel, shared), 'utf8'));

test('the real 1.5B config derives the documented layout', () => {
  const result = parseHymbaConfig(readJson('hymba-1.5b-files/config.json'));
  assert.ok(result.ok, JSON.stringify(!result.ok && result.error));
  const c = result.value;
  assert.equal(c.qkHeadDim, 64);
  assert.equal(c.vHeadDim, 128);
  assert.equal(c.mamba.dInner, 3200);
  assert.equal(c.layers.filter((l) => l.ownsKv).length, 17);
  assert.deepEqual(c.layers.filter((l) => !l.ownsKv).map((l) => l.index), [2, 4, 6, 8, 10, 12, 14, 17, 18, 20, 22, 24, 26, 28, 30]);
  assert.equal(c.layers[18]!.kvSourceLayer, 16);
  assert.deepEqual(c.layers.filter((l) => l.attention === 'global').map((l) => l.index), [0, 15, 31]);
  assert.ok(Math.abs(c.ropeBase - 74534.83) < 0.01, String(c.ropeBase));
});

test('the fixture config uses the q/k head dim in the NTK exponent', () => {
  const result = parseHymbaConfig(readJson('hymba-ref-a/config.json'));
  assert.ok(result.ok);
  assert.equal(result.value.qkHeadDim, 32);
  assert.ok(Math.abs(result.value.ropeBase - 10000 * Math.pow(7, 32 / 30)) < 1e-6);
});

const base = (): Record<string, unknown> => readJson('hymba-ref-a/config.json');

for (const [field, value] of [
  ['memory_tokens_interspersed_every', 4],
  ['num_experts', 2],
  ['kq_norm', 'rms'],
  ['rope_type', 'yarn'],
  ['kv_reuse_group', [[1]]],
  ['kv_reuse_group', [[1, 9]]],
  ['kv_reuse_group', [[0, 1]]],
  ['kv_reuse_group', [[2, 1]]],
  ['kv_reuse_group', 'x'],
  ['global_attn_idx', [0, 7]],
  ['hidden_size', 'wide'],
  ['num_key_value_heads', 3],
] as const) {
  test(`config field ${field}=${JSON.stringify(value)} is refused, naming the field`, () => {
    const result = parseHymbaConfig({ ...base(), [field]: value });
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.equal(result.error.code, 'CONFIG_INVALID');
      assert.equal(result.error.details?.field, field);
      assert.match(result.error.message, new RegExp(field));
    }
  });
}
