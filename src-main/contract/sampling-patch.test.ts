import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SAMPLING } from './domain.ts';
import { validateApiCall } from './api-transport.ts';
import { applySamplingPatch } from './sampling-patch.ts';

test('a patch keeps absent keys, sets given ones, and seed: null removes the seed', () => {
  const seeded = applySamplingPatch(DEFAULT_SAMPLING, { seed: 42, temperature: 0.2 });
  assert.equal(seeded.seed, 42);
  assert.equal(seeded.temperature, 0.2);
  assert.equal(seeded.topK, DEFAULT_SAMPLING.topK);
  const kept = applySamplingPatch(seeded, { topP: 0.5 });
  assert.equal(kept.seed, 42, 'a patch without seed keeps it');
  const cleared = applySamplingPatch(kept, { seed: null });
  assert.equal('seed' in cleared, false);
  assert.equal(cleared.topP, 0.5);
  assert.equal(JSON.stringify(cleared).includes('seed'), false, 'nothing named seed is stored or sent');
});

test('the contract accepts seed: null on both sampling entry points and still rejects a bad seed', () => {
  assert.equal(validateApiCall('chat.setGenerationSettings', [{ conversationId: 'c1', sampling: { seed: null } }]).ok, true);
  assert.equal(validateApiCall('settings.updateSettings', [{ defaultSampling: { seed: null } }]).ok, true);
  assert.equal(validateApiCall('chat.setGenerationSettings', [{ conversationId: 'c1', sampling: { seed: 7 } }]).ok, true);
  assert.equal(validateApiCall('chat.setGenerationSettings', [{ conversationId: 'c1', sampling: { seed: -1 } }]).ok, false);
  assert.equal(validateApiCall('chat.setGenerationSettings', [{ conversationId: 'c1', sampling: { seed: 'x' } }]).ok, false);
});
