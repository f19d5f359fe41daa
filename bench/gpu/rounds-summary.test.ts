import assert from 'node:assert/strict';
import { test } from 'node:test';
import { median } from '../src/stats.ts';
import { lineName, roundsMarkdown, summarizeRounds, type RoundLine } from './rounds-summary.ts';

test('median of odd and even counts', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

const LINES: RoundLine[] = [
  { round: 1, decode: [{ context: 512, tokensPerSec: 10 }, { context: 8192, tokensPerSec: 20 }] },
  { round: 1, variant: 'engine', decodeTps: 99, context: 512, synthetic: { 512: 15, 8192: 30 } },
  { round: 1, variant: 'engine', label: 'old-graph', decodeTps: 98, context: 512, synthetic: { 512: 12, 8192: 24 } },
  { round: 2, variant: 'engine', decodeTps: 99, context: 512, synthetic: { 512: 12, 8192: 10 } },
  { round: 2, decode: [{ context: 512, tokensPerSec: 20 }, { context: 8192, tokensPerSec: 20 }] },
  { round: 3, decode: [{ context: 512, tokensPerSec: 1 }] },
];

test('lines are named pytorch, or by the probe label before the variant', () => {
  assert.deepEqual(LINES.map(lineName), ['pytorch', 'engine', 'old-graph', 'engine', 'pytorch', 'pytorch']);
});

test('rounds pair PyTorch and the engine by round and context; an unpaired round counts in no median', () => {
  const summary = summarizeRounds(LINES);
  assert.equal(summary.rows.length, 5);
  const at512 = summary.contexts.find((c) => c.context === 512)!;
  assert.equal(at512.rounds, 2);
  assert.equal(at512.baselineMedian, 15);
  assert.equal(at512.candidateMedian, 13.5);
  assert.equal(at512.ratioOfMedians, 0.9);
  assert.equal(at512.ratioMin, 0.6);
  assert.equal(at512.ratioMax, 1.5);
  const at8k = summary.contexts.find((c) => c.context === 8192)!;
  assert.deepEqual([at8k.ratioMin, at8k.ratioMax, at8k.ratioOfMedians], [0.5, 1.5, 1]);
  const table = roundsMarkdown(summary);
  assert.match(table, /\| context \| round \| pytorch tok\/s \| engine tok\/s \| engine \/ pytorch \|/);
  assert.match(table, /\| 512 \| 3 \| 1\.00 \| — \| — \|/);
  assert.match(table, /\| 512 \| 2 \| 15\.00 \| 13\.50 \| 0\.90× \| 0\.60–1\.50× \|/);
});

test('two engine graphs compare by label; the old graph is never mistaken for the engine', () => {
  const summary = summarizeRounds(LINES, 'old-graph', 'engine');
  assert.deepEqual(summary.contexts.map((c) => [c.context, c.rounds, c.ratioOfMedians]), [[512, 1, 1.25], [8192, 1, 1.25]]);
});
