import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceInfo, ExecutionDevice } from '../../contract/domain.ts';
import { createSessionWithFallback, listDevices, sessionOptions } from './devices.ts';
import { loadModel } from './loaded-model.ts';
import { tinyPackage } from './test-package.ts';

const infos = (available: ExecutionDevice[]): DeviceInfo[] =>
  (['cpu', 'webgpu', 'cuda', 'dml', 'coreml'] as const).map((device) => ({ device, available: available.includes(device), detail: available.includes(device) ? 'ok' : `${device} missing` }));

test('auto takes a working GPU provider first', async () => {
  const tried: string[] = [];
  const { choice } = await createSessionWithFallback('auto', async (d) => (tried.push(d), d), infos(['cpu', 'cuda']));
  assert.deepEqual(choice, { device: 'cuda' });
  assert.deepEqual(tried, ['cuda']);
});

test('auto passes over WebGPU on a software renderer (no GPU device node); asking for webgpu still gets it', async () => {
  const works = async () => null;
  const listed = await listDevices(works, () => false);
  const webgpu = listed.find((i) => i.device === 'webgpu');
  if (!webgpu) return; // this onnxruntime-node build has no WebGPU provider
  assert.equal(webgpu.softwareRenderer, true);
  assert.match(webgpu.detail, /software renderer/);
  assert.equal((await listDevices(works, () => true)).find((i) => i.device === 'webgpu')?.softwareRenderer, undefined);
  const tried: string[] = [];
  const auto = await createSessionWithFallback('auto', async (d) => (tried.push(d), d), listed.filter((i) => i.device === 'webgpu' || i.device === 'cpu'));
  assert.deepEqual(tried, ['cpu']);
  assert.match(auto.choice.fallbackReason ?? '', /webgpu: .*software renderer/);
  assert.deepEqual((await createSessionWithFallback('webgpu', async (d) => d, listed)).choice, { device: 'webgpu' });
});

test('auto falls back to the CPU when a listed GPU provider throws at creation, and says why', async () => {
  const { session, choice } = await createSessionWithFallback(
    'auto',
    async (d) => {
      if (d !== 'cpu') throw new Error(`${d} exploded`);
      return d;
    },
    infos(['cpu', 'webgpu']),
  );
  assert.equal(session, 'cpu');
  assert.equal(choice.device, 'cpu');
  assert.match(choice.fallbackReason ?? '', /webgpu exploded/);
  assert.match(choice.fallbackReason ?? '', /cuda missing/);
});

test('an explicit CPU request never records a fallback', async () => {
  const { choice } = await createSessionWithFallback('cpu', async (d) => d, infos(['cpu']));
  assert.deepEqual(choice, { device: 'cpu' });
});

test('the real probe lists the CPU as working and every device with a reason', async () => {
  const devices = await listDevices();
  assert.equal(devices.length, 5);
  assert.equal(devices.find((d) => d.device === 'cpu')?.available, true);
  for (const d of devices) if (!d.available) assert.ok(d.detail.length > 0);
});

test('loading on an unavailable GPU provider falls back to the CPU with a user-visible reason', async () => {
  const devices = await listDevices();
  const missing = devices.find((d) => d.device !== 'cpu' && !d.available);
  if (!missing) return; // every provider works on this machine: nothing to fall back from
  const loaded = await loadModel(await tinyPackage(), { device: missing.device, threads: 1, allowSpinning: false });
  assert.ok(loaded.ok);
  assert.equal(loaded.value.info.device, 'cpu');
  assert.match(loaded.value.info.fallbackReason ?? '', new RegExp(missing.device));
  await loaded.value.release();
});

test('GPU sessions keep the named outputs on the device and bring the rest back; the CPU ignores residency', () => {
  const io = { deviceResidentOutputs: ['present_ssm.0'], outputNames: ['logits', 'present_ssm.0'] };
  const tuning = { threads: 2, allowSpinning: false };
  const webgpu = sessionOptions('webgpu', tuning, io);
  assert.deepEqual(webgpu.preferredOutputLocation, { logits: 'cpu', 'present_ssm.0': 'gpu-buffer' });
  const session = (options: typeof webgpu) => (options.extra as { session: Record<string, unknown> }).session;
  assert.equal(session(webgpu).disable_cpu_ep_fallback, undefined, 'WebGPU has no Scan kernel: the prompt-chunk SSM runs on the CPU');
  assert.equal(session(sessionOptions('cuda', tuning, io)).disable_cpu_ep_fallback, '1');
  const cpu = sessionOptions('cpu', tuning, io);
  assert.equal(cpu.intraOpNumThreads, 2, 'the CPU computes with the threads asked for');
  assert.equal(webgpu.intraOpNumThreads, 1, 'next to a GPU the host only runs index math');
  assert.deepEqual(webgpu.executionProviders, [{ name: 'webgpu', validationMode: 'disabled' }]);
  assert.equal(cpu.preferredOutputLocation, undefined);
  assert.equal(session(cpu).disable_cpu_ep_fallback, undefined);
});
