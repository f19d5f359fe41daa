/**
 * Lifetimes of GPU-resident cache tensors: a tensor is disposed exactly when the last cache, fork or snapshot
 * holding it lets go, never while one still can feed it. Fake `gpu-buffer` tensors count their disposals.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { parseHymbaConfig, type HymbaConfig } from '../config/hymba-config.ts';
import { cacheTensorSpecs } from '../model/graph-io.ts';
import { HybridCache, tensorBytes, trimSequence, type TensorMap } from './hybrid-cache.ts';
import { SnapshotStore } from './snapshot-store.ts';
import { tinyConfig } from './test-package.ts';

function config(): HymbaConfig {
  const parsed = parseHymbaConfig(tinyConfig({ layers: 4, window: 8, meta: 4 }));
  assert.ok(parsed.ok);
  return parsed.value;
}

/** One run's present_* outputs as fake GPU tensors of `entries` KV positions; records every disposal. */
function gpuOutputs(cfg: HymbaConfig, entries: number, disposed: Set<ort.Tensor>): TensorMap {
  const outputs: TensorMap = {};
  for (const spec of cacheTensorSpecs(cfg)) {
    const dims = spec.shape.map((d) => d ?? entries);
    const tensor: ort.Tensor = ort.Tensor.fromGpuBuffer({ size: 0 } as never, { dataType: 'float16', dims, dispose: () => disposed.add(tensor) });
    outputs[spec.present] = tensor;
  }
  return outputs;
}

test('a replaced GPU tensor is disposed at once unless a fork or snapshot still holds it', () => {
  const cfg = config();
  const disposed = new Set<ort.Tensor>();
  const cache = HybridCache.empty(cfg, 'float16');
  const first = gpuOutputs(cfg, 5, disposed);
  cache.absorb(first, 5);
  const snapshots = new SnapshotStore(1, cfg.slidingWindow);
  snapshots.put([1, 2, 3], cache, new Float32Array(1));
  const second = gpuOutputs(cfg, 6, disposed);
  cache.absorb(second, 1);
  assert.equal(disposed.size, 0, 'the snapshot still holds the first outputs');

  const third = gpuOutputs(cfg, 7, disposed);
  cache.absorb(third, 1);
  for (const tensor of Object.values(second)) assert.ok(disposed.has(tensor), 'the second outputs had one holder');
  assert.ok(Object.values(first).every((t) => !disposed.has(t)));

  snapshots.put([9], cache, new Float32Array(1)); // evicts the first snapshot (one entry kept)
  for (const tensor of Object.values(first)) assert.ok(disposed.has(tensor), 'evicting the snapshot frees what only it held');
  cache.release();
  assert.ok(Object.values(third).every((t) => !disposed.has(t)), 'the second snapshot still holds the current outputs');
  snapshots.clear();
  for (const tensor of Object.values(third)) assert.ok(disposed.has(tensor));
});

test('forks share tensors; each must let go before they are freed', () => {
  const cfg = config();
  const disposed = new Set<ort.Tensor>();
  const cache = HybridCache.empty(cfg, 'float16');
  const outputs = gpuOutputs(cfg, 5, disposed);
  cache.absorb(outputs, 5);
  const a = cache.fork();
  const b = a.fork();
  cache.release();
  a.release();
  assert.equal(disposed.size, 0);
  b.release();
  assert.equal(disposed.size, Object.keys(outputs).length);
});

test('cache bytes come from shapes (a GPU tensor has no host data) and equal the host measure', () => {
  const cfg = config();
  const gpu = HybridCache.empty(cfg, 'float16');
  gpu.absorb(gpuOutputs(cfg, 6, new Set()), 6);
  const host = HybridCache.empty(cfg, 'float16');
  const hostOutputs: TensorMap = {};
  for (const spec of cacheTensorSpecs(cfg)) {
    const dims = spec.shape.map((d) => d ?? 6);
    hostOutputs[spec.present] = new ort.Tensor('float16', new Uint16Array(dims.reduce((x, y) => x * y, 1)), dims);
  }
  host.absorb(hostOutputs, 6);
  assert.deepEqual(gpu.bytes(), host.bytes());
  for (const tensor of Object.values(hostOutputs)) assert.equal(tensorBytes(tensor), (tensor.data as Uint16Array).byteLength);
});

test('a GPU cache that would need a host-side trim is refused with the reason', () => {
  const tensor = ort.Tensor.fromGpuBuffer({ size: 0 } as never, { dataType: 'float16', dims: [1, 2, 20, 4] });
  assert.throws(() => trimSequence(tensor, 4, 8), /slidingCacheTrimmed/);
  assert.equal(trimSequence(tensor, 4, 16), tensor, 'nothing to drop: the tensor itself');
});
