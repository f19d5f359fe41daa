/**
 * The engine's GPU path on a real WebGPU adapter where one exists (CI: Mesa's lavapipe, a software Vulkan
 * device; .ci/run installs it): caches resident on the device between runs, prompt chunks through the
 * closed-form SSM, and logits equal to the CPU's. Skips, saying why, where onnxruntime finds no adapter.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExecutionDevice } from '../../contract/domain.ts';
import { listDevices } from './devices.ts';
import type { TensorMap } from './hybrid-cache.ts';
import { loadModel } from './loaded-model.ts';
import { tinyPackage } from './test-package.ts';

const webgpu = (await listDevices()).find((info) => info.device === 'webgpu');
const skip = webgpu?.available ? false : `no WebGPU adapter here (${webgpu?.detail ?? 'not in this onnxruntime-node build'})`;

async function run(packageDir: string, device: ExecutionDevice, prompt: readonly number[], steps: readonly number[]) {
  const loaded = await loadModel(packageDir, { device, threads: 1, allowSpinning: false });
  assert.ok(loaded.ok, JSON.stringify(!loaded.ok && loaded.error));
  const model = loaded.value;
  try {
    assert.equal(model.info.device, device, model.info.fallbackReason);
    const cache = model.metaCache.fork();
    const logits = [await model.forward.prefill(cache, prompt)];
    for (const id of steps) logits.push(await model.forward.step(cache, [id]));
    const feeds: TensorMap = {};
    cache.addFeeds(feeds);
    const locations = new Set(Object.values(feeds).map((tensor) => tensor.location));
    const bytes = cache.bytes().total;
    cache.release();
    return { logits, locations, bytes, ssmParallel: model.forward.ssmParallel };
  } finally {
    await model.release();
  }
}

test('WebGPU: caches stay on the device, prompts use the closed-form SSM, logits match the CPU', { skip }, async () => {
  const packageDir = await tinyPackage();
  const prompt = Array.from({ length: 37 }, (_, i) => 100 + ((i * 7919) % 5000)); // 3 GPU chunks of 16, 1 of 5
  const steps = [11, 12, 13, 14, 15, 16];
  const cpu = await run(packageDir, 'cpu', prompt, steps);
  const gpu = await run(packageDir, 'webgpu', prompt, steps);
  assert.equal(cpu.ssmParallel, false);
  assert.equal(gpu.ssmParallel, true);
  assert.deepEqual([...gpu.locations], ['gpu-buffer']);
  assert.deepEqual([...cpu.locations], ['cpu']);
  assert.equal(gpu.bytes, cpu.bytes);
  let diff = 0;
  cpu.logits.forEach((row, i) => row.forEach((v, j) => (diff = Math.max(diff, Math.abs(v - gpu.logits[i]![j]!)))));
  assert.ok(diff < 1e-3, `max |Δlogit| CPU vs WebGPU = ${diff}`);
});
