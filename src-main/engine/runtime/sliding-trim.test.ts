/**
 * The graph hands back sliding-window caches already cut to [meta | last W] (manifest.graph.slidingCacheTrimmed),
 * so a cache that lives on a GPU never needs a host round trip to be trimmed. Pins the raw graph outputs,
 * not the runtime's view of them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { parseHymbaConfig } from '../config/hymba-config.ts';
import { cacheTensorSpecs } from '../model/graph-io.ts';
import { sessionOptions } from './devices.ts';
import { HymbaForward, type GraphRunner } from './model-forward.ts';
import type { TensorMap } from './hybrid-cache.ts';
import { tinyPackage } from './test-package.ts';

test('sliding present_* leave the graph as meta + last W entries; global ones keep every position', async () => {
  const dir = await tinyPackage({ window: 8, meta: 4 });
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { graph: { slidingCacheTrimmed?: boolean } };
  assert.equal(manifest.graph.slidingCacheTrimmed, true);
  const parsed = parseHymbaConfig(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')));
  assert.ok(parsed.ok);
  const config = parsed.value;
  const session = await ort.InferenceSession.create(join(dir, 'model.onnx'), sessionOptions('cpu', { threads: 1, allowSpinning: false }));
  const lengths: Map<string, number>[] = [];
  const runner: GraphRunner = {
    async run(feeds: TensorMap) {
      const outputs = (await session.run(feeds)) as TensorMap;
      lengths.push(new Map(cacheTensorSpecs(config).filter((s) => s.kind === 'key' || s.kind === 'value').map((s) => [s.present, outputs[s.present]!.dims[2]!])));
      return outputs;
    },
    release: () => session.release(),
  };
  try {
    const forward = new HymbaForward(runner, config, 'float32', 6, false);
    const cache = await forward.metaPrefix();
    const ids = Array.from({ length: 23 }, (_, i) => 10 + i);
    await forward.prefill(cache, ids);
    await forward.step(cache, [5]);
    await forward.step(cache, [6]);
    const M = config.numMetaTokens;
    const W = config.slidingWindow;
    const positions = [M, M + 6, M + 12, M + 18, M + 23, M + 24, M + 25]; // after each run: meta, 4 chunks, 2 steps
    assert.equal(lengths.length, positions.length);
    lengths.forEach((byName, run) => {
      for (const spec of cacheTensorSpecs(config).filter((s) => s.kind === 'key' || s.kind === 'value')) {
        const sliding = config.layers[spec.layer]!.attention === 'sliding';
        const expected = sliding ? Math.min(positions[run]!, M + W) : positions[run]!;
        assert.equal(byName.get(spec.present), expected, `run ${run}, ${spec.present}`);
      }
    });
  } finally {
    await runner.release();
  }
});
