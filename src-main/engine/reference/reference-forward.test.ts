import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openHymbaCheckpoint } from '../checkpoint/open-checkpoint.ts';
import { openSafetensorsFile, type SafetensorsFile } from '../checkpoint/safetensors-file.ts';
import { ReferenceSession, referenceForward, referenceGreedy } from './reference-forward.ts';
import { loadReferenceFromCheckpoint, type ReferenceModel } from './reference-weights.ts';

const fixture = fileURLToPath(new URL('../../../../shared/fixtures/hymba-ref-a/', import.meta.url));
const TOLERANCE = 1e-4;

interface FixtureCase {
  input_ids: number[];
  extended_input_ids: number[];
  greedy: { tokens: number[]; kv_cache_len_per_layer_after_step: number[][] };
}
const reference = JSON.parse(readFileSync(join(fixture, 'reference.json'), 'utf8')) as { cases: Record<string, FixtureCase> };

let model: ReferenceModel;
let expected: SafetensorsFile;

before(async () => {
  const checkpoint = await openHymbaCheckpoint(fixture);
  assert.ok(checkpoint.ok, JSON.stringify(!checkpoint.ok && checkpoint.error));
  model = await loadReferenceFromCheckpoint(checkpoint.value);
  await checkpoint.value.tensors.close();
  const opened = await openSafetensorsFile(join(fixture, 'reference.safetensors'));
  assert.ok(opened.ok);
  expected = opened.value;
});
after(() => expected.close());

/** Max |a − b| between computed rows and a stored [rows, V] float32 tensor. */
async function maxDifference(rows: Float64Array[], tensor: string): Promise<number> {
  const stored = await expected.readFloat32(tensor);
  const width = expected.entries.get(tensor)!.shape.at(-1)!;
  assert.equal(rows.length * width, stored.length, `${tensor}: row count`);
  let worst = 0;
  rows.forEach((row, r) => row.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - stored[r * width + i]!)))));
  return worst;
}

for (const name of ['prompt5', 'prompt60']) {
  test(`${name}: no-cache forward reproduces full_logits and hidden states`, async () => {
    const c = reference.cases[name]!;
    const result = referenceForward(model, c.input_ids, { hiddenStates: true });
    assert.ok((await maxDifference(result.logits, `${name}.full_logits`)) < TOLERANCE);
    const hidden = await expected.readFloat32(`${name}.hidden_states_nocache`);
    const flat = result.hiddenStates!.flat();
    let worst = 0;
    flat.forEach((row, r) => row.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - hidden[r * row.length + i]!)))));
    assert.equal(flat.length * model.config.hiddenSize, hidden.length);
    assert.ok(worst < TOLERANCE, `hidden states differ by ${worst}`);
  });

  test(`${name}: extended sequence with window W and W − 1`, async () => {
    const c = reference.cases[name]!;
    const full = referenceForward(model, c.extended_input_ids);
    assert.ok((await maxDifference(full.logits, `${name}.extended_nocache_logits`)) < TOLERANCE);
    const narrow = referenceForward(model, c.extended_input_ids, { window: model.config.slidingWindow - 1 });
    assert.ok((await maxDifference(narrow.logits, `${name}.extended_nocache_logits_window_minus_1`)) < TOLERANCE);
  });

  test(`${name}: official-style cached greedy reproduces tokens, logits and cache lengths`, async () => {
    const c = reference.cases[name]!;
    const greedy = referenceGreedy(model, c.input_ids, c.greedy.tokens.length);
    assert.deepEqual(greedy.tokens, c.greedy.tokens);
    assert.ok((await maxDifference(greedy.logits, `${name}.greedy_logits`)) < TOLERANCE);
    assert.deepEqual(greedy.kvCacheLengths, c.greedy.kv_cache_len_per_layer_after_step);
  });
}

test('a sequence fed token by token through the cache equals the no-cache forward with window W − 1', async () => {
  const ids = reference.cases.prompt5!.extended_input_ids;
  const session = new ReferenceSession(model);
  const rows = [...session.prefill(ids.slice(0, 1)), ...ids.slice(1).map((id) => session.decode(id))];
  assert.ok((await maxDifference(rows, 'prompt5.extended_nocache_logits_window_minus_1')) < TOLERANCE);
  assert.ok((await maxDifference(rows, 'prompt5.extended_nocache_logits')) > 0.01, 'and differs from the window-W forward');
});
