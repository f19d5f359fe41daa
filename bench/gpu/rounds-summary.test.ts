import assert from 'node:assert/strict';
import { test } from 'node:test';
import { median, roundsMarkdown, summarizeRounds, type RoundLine } from './rounds-summary.ts';

test('median of odd and even counts', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

test('rounds pair PyTorch and engine by round and context; an unpaired round counts in no median', () => {
  const lines: RoundLine[] = [
    { round: 1, decode: [{ context: 512, tokensPerSec: 10 }, { context: 8192, tokensPerSec: 20 }] },
    { round: 1, variant: 'engine', decodeTps: 99, context: 512, synthetic: { 512: 15, 8192: 30 } },
    { round: 2, variant: 'engine', decodeTps: 99, context: 512, synthetic: { 512: 12, 8192: 10 } },
    { round: 2, decode: [{ context: 512, tokensPerSec: 20 }, { context: 8192, tokensPerSec: 20 }] },
    { round: 3, decode: [{ context: 512, tokensPerSec: 1 }] },
  ];
  const summary = summarizeRounds(lines);
  assert.equal(summary.rows.length, 5);
  const at512 = summary.contexts.find((c) => c.context === 512)!;
  assert.equal(at512.rounds, 2);
  assert.equal(at512.torchMedian, 15);
  assert.equal(at512.engineMedian, 13.5);
  assert.equal(at512.ratioOfMedians, 0.9);
  assert.equal(at512.ratioMin, 0.6);
  assert.equal(at512.ratioMax, 1.5);
  const at8k = summary.contexts.find((c) => c.context === 8192)!;
  assert.deepEqual([at8k.ratioMin, at8k.ratioMax, at8k.ratioOfMedians], [0.5, 1.5, 1]);
  const table = roundsMarkdown(summary);
  assert.match(table, /\| 512 \| 3 \| 1\.00 \| — \| — \|/);
  assert.match(table, /\| 512 \| 2 \| 15\.00 \| 13\.50 \| 0\.90× \| 0\.60–1\.50× \|/);
});
