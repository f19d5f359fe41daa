import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { modelPart, summariseProfile } from './ort-profile.ts';
import { barChart, lineChart, niceScale } from './svg-chart.ts';
import { gpuReferenceTarget, rooflineTarget } from './results.ts';

test('niceScale covers the maximum with round steps', () => {
  assert.deepEqual(niceScale(30.3), { top: 40, step: 10 });
  assert.deepEqual(niceScale(3758), { top: 4000, step: 1000 });
  assert.deepEqual(niceScale(0), { top: 1, step: 0.2 });
});

test('charts are standalone SVG with escaped labels and one bar per value', () => {
  const bars = barChart('a < b', 'tok/s', ['x', 'y'], [{ label: '512', values: [1, null] }, { label: '8k', values: [2, 3] }]);
  assert.match(bars, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(bars.includes('a &lt; b'));
  assert.equal((bars.match(/<rect x=/g) ?? []).length - 2, 3, 'three bars besides the two legend swatches');
  const lines = lineChart('cache', 'tokens', 'MB', [{ name: 'h', points: [[0, 0], [10, 5]], markers: true }]);
  assert.equal((lines.match(/<circle /g) ?? []).length, 2);
});

test('profile summary sums kernel time of the last runs by operator and model part', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'profile-'));
  try {
    const kernel = (name: string, op: string, ts: number, dur: number) => ({ cat: 'Node', name: `${name}_kernel_time`, ts, dur, args: { op_name: op } });
    const events = [
      { cat: 'Session', name: 'model_run', ts: 0, dur: 100 },
      kernel('/model/layers.0/mlp/down_proj/MatMulNBits', 'MatMulNBits', 10, 90),
      { cat: 'Session', name: 'model_run', ts: 200, dur: 50 },
      kernel('/model/layers.0/mlp/down_proj/MatMulNBits', 'MatMulNBits', 210, 30),
      kernel('/model/layers.0/attn/scores/MatMul', 'MatMul', 240, 10),
    ];
    const file = join(dir, 'p.json');
    await writeFile(file, JSON.stringify(events));
    const summary = await summariseProfile(file, 1);
    assert.equal(summary.runs, 1);
    assert.equal(summary.runUs, 50);
    assert.deepEqual(summary.byOp.map((o) => [o.name, o.usPerRun]), [['MatMulNBits', 30], ['MatMul', 10]]);
    assert.deepEqual(summary.byPart.map((o) => o.name), ['mlp', 'attention']);
    assert.equal(modelPart('/model/layers.3/ssm/scan/Scan'), 'ssm scan');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the GPU target compares decode with the PyTorch reference at the contexts both measured; the roofline target is n/a on a GPU', () => {
  const row = (context: number, tokensPerSec: number) => ({ context, tokensPerSec, steps: 8, msPerToken: 1000 / tokensPerSec, cacheSource: 'prefill' as const, rooflineWithCacheTokensPerSec: 1000, percentOfRoofline: 1 });
  const reference = { device: 'GPU X', torch: '2.0', dtype: 'bfloat16', decode: [{ context: 512, tokensPerSec: 18 }, { context: 4096, tokensPerSec: 19 }, { context: 8192, tokensPerSec: 21 }] };
  const met = gpuReferenceTarget([row(512, 27.6), row(8192, 25.5)], reference);
  assert.equal(met.met, true);
  assert.match(met.measured, /^512: 27\.60 vs 18\.00 tok\/s \(1\.53×\); 8192: 25\.50 vs 21\.00/);
  assert.doesNotMatch(met.measured, /4096/, 'a context only the reference measured is left out');
  assert.equal(gpuReferenceTarget([row(512, 27.6), row(8192, 20)], reference).met, false, 'one slower context misses the target');
  assert.equal(gpuReferenceTarget([row(1024, 30)], reference).met, null);
  const headline = { context: 512, tokensPerSec: 27.6, percentOfRoofline: 0.6 };
  assert.equal(rooflineTarget('webgpu', headline, 4300).met, null);
  assert.equal(rooflineTarget('cpu', { ...headline, percentOfRoofline: 71 }, 40).met, true);
  assert.equal(rooflineTarget('cpu', headline, 40).met, false);
});
