import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SAMPLING } from '../contract/domain.ts';
import { resolveSampling } from './resolve-sampling.ts';

test('unset values come from the defaults and max tokens is clamped to the room left', () => {
  const result = resolveSampling(DEFAULT_SAMPLING, { temperature: 0, maxTokens: 1000, stop: ['\n'] }, { tokens: 90, maxContextTokens: 100 });
  assert.ok(result.ok);
  assert.deepEqual(result.sampling, { ...DEFAULT_SAMPLING, temperature: 0, maxTokens: 10, stop: ['\n'] });
  const plain = resolveSampling(DEFAULT_SAMPLING, { topP: 0.3, seed: 4 }, { tokens: 10, maxContextTokens: 4096 });
  assert.ok(plain.ok);
  assert.deepEqual(plain.sampling, { ...DEFAULT_SAMPLING, topP: 0.3, seed: 4 });
});

test('a prompt that fills the budget is context_length_exceeded', () => {
  const result = resolveSampling(DEFAULT_SAMPLING, {}, { tokens: 100, maxContextTokens: 100 });
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.equal(result.error.status, 400);
  assert.equal(result.error.code, 'context_length_exceeded');
  assert.match(result.error.message, /100 tokens/);
});
