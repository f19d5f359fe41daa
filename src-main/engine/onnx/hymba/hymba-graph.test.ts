import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseHymbaConfig } from '../../config/hymba-config.ts';
import { buildHymbaGraph } from './hymba-graph.ts';

const CONFIG = JSON.parse(readFileSync(new URL('../../../../../shared/fixtures/hymba-1.5b-files/config.json', import.meta.url), 'utf8'));

test('the 1.5B graph builds one attention mask per attention kind and one set of sliding kept indices, with no Cast among them', () => {
  const config = parseHymbaConfig(CONFIG);
  if (!config.ok) throw new Error(config.error.message);
  const neverRead = (): Promise<Float32Array> => Promise.reject(new Error('structure only'));
  const nodes = buildHymbaGraph(config.value, neverRead, { format: 'int4', int4AccuracyLevel: 4, cacheType: 'float16' }).toGraphProto().node!;
  const named = (pattern: RegExp) => nodes.filter((n) => pattern.test(n.name ?? ''));
  // Layer 0 is global, layer 1 the first sliding KV owner: every other layer reads their mask.
  assert.deepEqual(named(/\/attn\/mask\/mask\//).map((n) => n.name), ['/model/layers.0/attn/mask/mask/Where', '/model/layers.1/attn/mask/mask/Where']);
  assert.deepEqual(named(/\/attn\/kept\/indices\//).map((n) => n.name), ['/model/layers.1/attn/kept/indices/Concat']);
  const slidingOwners = config.value.layers.filter((l) => l.ownsKv && l.attention === 'sliding').length;
  assert.equal(named(/\/attn\/key_kept\//).length, slidingOwners, 'each sliding cache is still cut');
  // A Cast of the T = 1 test lands on a GPU while the mask math around it runs on the host: a round trip per step.
  assert.deepEqual(named(/\/attn\/mask\/.*Cast/), []);
});

test('RoPE is one RotaryEmbedding kernel per rotated tensor: q in every layer, k in each KV owner', () => {
  const config = parseHymbaConfig(CONFIG);
  if (!config.ok) throw new Error(config.error.message);
  const neverRead = (): Promise<Float32Array> => Promise.reject(new Error('structure only'));
  const nodes = buildHymbaGraph(config.value, neverRead, { format: 'int4', int4AccuracyLevel: 4, cacheType: 'float16' }).toGraphProto().node!;
  const owners = config.value.layers.filter((l) => l.ownsKv).length;
  const rotary = nodes.filter((n) => n.opType === 'RotaryEmbedding');
  assert.equal(rotary.length, config.value.layers.length + owners);
  assert.ok(rotary.every((n) => n.domain === 'com.microsoft'));
  assert.deepEqual(nodes.filter((n) => n.opType === 'Neg' && /\/attn\//.test(n.name ?? '')).map((n) => n.name), [], 'no rotate-half built from plain ops');
});

test('the conv taps are one Gather, Mul and ReduceSum a layer, reading tap indices built once per call', () => {
  const config = parseHymbaConfig(CONFIG);
  if (!config.ok) throw new Error(config.error.message);
  const neverRead = (): Promise<Float32Array> => Promise.reject(new Error('structure only'));
  const nodes = buildHymbaGraph(config.value, neverRead, { format: 'int4', int4AccuracyLevel: 4, cacheType: 'float16' }).toGraphProto().node!;
  const conv = nodes.filter((n) => /^\/model\/layers\.\d+\/conv\//.test(n.name ?? ''));
  const count = (op: string) => conv.filter((n) => n.opType === op).length;
  const layers = config.value.layers.length;
  assert.equal(count('Slice'), layers, 'one Slice a layer: the conv state kept for the next call');
  assert.equal(count('ReduceSum'), layers);
  assert.deepEqual(conv.filter((n) => /tap_indices\/indices\//.test(n.name ?? '')).map((n) => n.name), ['/model/layers.0/conv/tap_indices/indices/Add']);
});
