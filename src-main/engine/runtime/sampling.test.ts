import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SAMPLING, type SamplingParams } from '../../contract/domain.ts';
import { applyMinP, applyRepetitionPenalty, applyTopP, softmaxInPlace, topCandidates } from './logits-processors.ts';
import { seededRandom } from './prng.ts';
import { TokenSampler } from './sampler.ts';

const logitsOf = (values: number[]): Float32Array => Float32Array.from(values);
const params = (over: Partial<SamplingParams>): SamplingParams => ({ ...DEFAULT_SAMPLING, repetitionPenalty: 1, ...over });

test('the seeded generator repeats for a seed and differs across seeds', () => {
  const a = seededRandom(42);
  const b = seededRandom(42);
  const c = seededRandom(43);
  const xs = Array.from({ length: 5 }, () => a.next());
  assert.deepEqual(xs, Array.from({ length: 5 }, () => b.next()));
  assert.notDeepEqual(xs, Array.from({ length: 5 }, () => c.next()));
  const many = Array.from({ length: 20000 }, () => a.next());
  assert.ok(many.every((x) => x >= 0 && x < 1));
  const mean = many.reduce((s, x) => s + x, 0) / many.length;
  assert.ok(Math.abs(mean - 0.5) < 0.02, String(mean));
});

test('greedy picks the largest logit after the repetition penalty', () => {
  const sampler = new TokenSampler(params({ temperature: 0, repetitionPenalty: 2 }), seededRandom(1));
  assert.equal(sampler.sample(logitsOf([1, 3, 2]), []), 1);
  assert.equal(sampler.sample(logitsOf([1, 3, 2]), [1]), 2); // 3/2 = 1.5 < 2
});

test('repetition penalty divides positive and multiplies negative logits, once per id', () => {
  const logits = logitsOf([2, -2, 4]);
  applyRepetitionPenalty(logits, [0, 1, 0, 0], 2);
  assert.deepEqual([...logits], [1, -4, 4]);
});

test('top-k, min-p and top-p narrow the candidates as specified', () => {
  const candidates = topCandidates(logitsOf([0, Math.log(4), Math.log(2), Math.log(1), -100]), 1, 3);
  assert.deepEqual(candidates.map((c) => c.id), [1, 2, 0]);
  softmaxInPlace(candidates);
  assert.deepEqual(candidates.map((c) => +c.value.toFixed(6)), [4 / 7, 2 / 7, 1 / 7].map((x) => +x.toFixed(6)));
  assert.deepEqual(applyMinP([...candidates], 0.4).map((c) => c.id), [1, 2]);
  assert.deepEqual(applyTopP([...candidates], 0.5).map((c) => c.id), [1]);
  assert.deepEqual(applyTopP([...candidates], 0.8).map((c) => c.id), [1, 2]);
});

test('the min-p prefilter keeps exactly the tokens min-p keeps', () => {
  const logits = logitsOf([0, -1, -2, -3, -4, -5]);
  const direct = topCandidates(logits, 0.8, 0, 0.1).map((c) => c.id);
  const late = topCandidates(logits, 0.8, 0);
  softmaxInPlace(late);
  assert.deepEqual(direct, applyMinP(late, 0.1).map((c) => c.id));
  assert.ok(direct.length > 1 && direct.length < 6);
});

test('sampling follows the distribution and the same seed draws the same sequence', () => {
  const draw = (seed: number): number[] => {
    const sampler = new TokenSampler(params({ temperature: 1, topK: 0, topP: 1, minP: 0 }), seededRandom(seed));
    return Array.from({ length: 4000 }, () => sampler.sample(logitsOf([Math.log(3), Math.log(1), -50]), []));
  };
  const first = draw(7);
  assert.deepEqual(first, draw(7));
  assert.notDeepEqual(first, draw(8));
  const share = first.filter((id) => id === 0).length / first.length;
  assert.ok(Math.abs(share - 0.75) < 0.03, String(share));
  assert.ok(!first.includes(2));
});

test('a low temperature sharpens the distribution', () => {
  const sampler = new TokenSampler(params({ temperature: 0.1, topK: 0, topP: 1, minP: 0 }), seededRandom(3));
  const picks = Array.from({ length: 500 }, () => sampler.sample(logitsOf([1, 0.5]), []));
  assert.ok(picks.filter((id) => id === 0).length > 490);
});
