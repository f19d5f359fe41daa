/**
 * Execution providers: what this build and platform offer (ort.listSupportedBackends plus a real probe
 * session per provider), and session creation with our own fallback chain. Native EP failures throw instead
 * of falling back (onnxruntime-notes §4), so every attempt is wrapped and its error becomes a user-visible
 * reason.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import type { DeviceInfo, DevicePreference, ExecutionDevice } from '../../contract/domain.ts';

const { onnx } = onnxProto;

export const ALL_DEVICES: readonly ExecutionDevice[] = ['cpu', 'webgpu', 'cuda', 'dml', 'coreml'];
/** Tried in this order by `auto` before the CPU. */
export const GPU_PREFERENCE: readonly ExecutionDevice[] = ['cuda', 'dml', 'coreml', 'webgpu'];

export interface SessionTuning {
  /** Intra-op threads; 0 lets onnxruntime pick (physical cores). */
  readonly threads: number;
  /** Spin-waiting threads; off is kinder on a busy machine (onnxruntime-notes §3). */
  readonly allowSpinning: boolean;
}

/**
 * Devices whose provider lacks kernels the Hymba graph needs, so some nodes must run on the CPU: WebGPU has
 * no Scan (graphs with `ssm_parallel` never run it there) and no int64 index math (masks, kept indices: a few
 * hundred bytes uploaded per run, never read back).
 */
export const MIXED_PLACEMENT: ReadonlySet<ExecutionDevice> = new Set(['webgpu']);

/** What the session's outputs should be and where they live. */
export interface SessionIo {
  /** Outputs to leave on the device between runs (the caches); every other output comes back to the CPU. */
  readonly deviceResidentOutputs?: readonly string[];
  /** All output names of the graph (needed with deviceResidentOutputs). */
  readonly outputNames?: readonly string[];
}

/**
 * WebGPU sessions skip Dawn's API validation: a decode step is about 2,000 small dispatches, and validating
 * each costs more than running it (H200, 1.5B int4, bench/results/README.md "GPU run": 21.6 vs 16.3-17.1
 * tok/s). The graphs are fixed and tested, and the engine lives in its own process, which the app restarts
 * if a GPU fault takes it down. Applies per process (the first WebGPU session creates the device).
 */
export const WEBGPU_VALIDATION = 'disabled';

/**
 * Session options for one device. GPU sessions may not silently fall back to the CPU (a node without a
 * kernel fails creation, and the engine then chooses the CPU as a whole), except on MIXED_PLACEMENT devices.
 * On a GPU the host only runs index math on a few elements, where a thread pool costs more than it saves
 * (one thread: 18.1 vs 16.3-17.1 tok/s on the H200), so `tuning.threads` applies to the CPU alone.
 */
export function sessionOptions(device: ExecutionDevice, tuning: SessionTuning, io: SessionIo = {}): ort.InferenceSession.SessionOptions {
  const extraSession: Record<string, unknown> = { intra_op: { allow_spinning: tuning.allowSpinning ? '1' : '0' } };
  if (device !== 'cpu' && !MIXED_PLACEMENT.has(device)) extraSession.disable_cpu_ep_fallback = '1';
  const resident = new Set(device === 'cpu' ? [] : (io.deviceResidentOutputs ?? []));
  return {
    executionProviders: [device === 'webgpu' ? { name: 'webgpu', validationMode: WEBGPU_VALIDATION } : device],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: device === 'cpu' ? tuning.threads : 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    ...(resident.size > 0 ? { preferredOutputLocation: Object.fromEntries((io.outputNames ?? []).map((name) => [name, resident.has(name) ? 'gpu-buffer' : 'cpu'])) } : {}),
    extra: { session: extraSession },
  };
}

/** A one-node model (Y = X + X) used to check that a provider really creates and runs a session. */
function probeModel(): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'hymba-desk-probe',
    graph: {
      name: 'probe',
      node: [{ opType: 'Add', input: ['X', 'X'], output: ['Y'], name: 'add' }],
      input: [{ name: 'X', type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimValue: 2 }] } } } }],
      output: [{ name: 'Y', type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimValue: 2 }] } } } }],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Backend names onnxruntime-node reports, mapped to our device names. */
function listedDevices(): Map<ExecutionDevice, string> {
  const listed = new Map<ExecutionDevice, string>();
  for (const backend of ort.listSupportedBackends()) {
    const name = backend.name as string;
    if ((ALL_DEVICES as readonly string[]).includes(name)) listed.set(name as ExecutionDevice, backend.bundled ? 'bundled' : 'needs an extra install');
  }
  return listed;
}

export type DeviceProbe = (device: ExecutionDevice) => Promise<string | null>;

/**
 * On Linux the WebGPU provider (Dawn) needs the Vulkan loader; without it Dawn prints a native warning on
 * stderr before failing, so check for the library first and give the reason a user can act on.
 */
function missingVulkanLoader(): string | null {
  if (process.platform !== 'linux') return null;
  const dirs = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/lib64', '/lib', '/usr/local/lib'];
  const extra = (process.env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d.length > 0);
  const found = [...extra, ...dirs].some((dir) => existsSync(join(dir, 'libvulkan.so.1')));
  return found ? null : 'the Vulkan loader libvulkan.so.1 is not installed (Debian/Ubuntu: apt install libvulkan1) and a GPU Vulkan driver is needed';
}

/**
 * Whether user space sees GPU hardware. On Linux a WebGPU adapter without a DRM render node or an NVIDIA
 * device node is a software renderer (Mesa's lavapipe comes with the desktop's Vulkan drivers): WebGPU would
 * then run on the CPU, far slower than the CPU provider (8-layer test model: 3.3 against 130 tok/s decode).
 * Other platforms: assumed present.
 */
export function gpuHardwarePresent(): boolean {
  if (process.platform !== 'linux') return true;
  if (existsSync('/dev/nvidia0') || existsSync('/dev/nvidiactl')) return true;
  try {
    return readdirSync('/dev/dri').some((name) => name.startsWith('renderD'));
  } catch {
    return false;
  }
}

const SOFTWARE_RENDERER = 'no GPU device node (/dev/dri/renderD*, /dev/nvidia*), so the adapter is a software renderer: auto uses the CPU, which is faster';

/** Creates and runs the probe model on `device`; returns null when it works, else the reason. */
export const probeDevice: DeviceProbe = async (device) => {
  if (device === 'webgpu') {
    const missing = missingVulkanLoader();
    if (missing) return missing;
  }
  try {
    const session = await ort.InferenceSession.create(probeModel(), sessionOptions(device, { threads: 1, allowSpinning: false }));
    try {
      const out = await session.run({ X: new ort.Tensor('float32', Float32Array.of(1, 2), [2]) });
      const y = out.Y?.data as Float32Array | undefined;
      if (!y || y[0] !== 2 || y[1] !== 4) return 'the probe session returned wrong numbers';
      return null;
    } finally {
      await session.release();
    }
  } catch (caught) {
    return conciseError(caught);
  }
};

/** onnxruntime's native messages carry source paths and assertion text; keep the sentence a user can act on. */
export function conciseError(caught: unknown): string {
  const message = (caught instanceof Error ? caught.message : String(caught)).trim();
  const firstLine = message.split('\n').find((line) => line.trim().length > 0) ?? message;
  const afterAssert = firstLine.includes(' was false. ') ? firstLine.slice(firstLine.lastIndexOf(' was false. ') + 12) : firstLine;
  return afterAssert.length > 240 ? `${afterAssert.slice(0, 237)}...` : afterAssert;
}

const probeResults = new Map<ExecutionDevice, Promise<string | null>>();

/** Probes once per process and device. */
function cachedProbe(device: ExecutionDevice): Promise<string | null> {
  let result = probeResults.get(device);
  if (!result) {
    result = probeDevice(device);
    probeResults.set(device, result);
  }
  return result;
}

/** Every device with whether it works here and why not. */
export async function listDevices(probe: DeviceProbe = cachedProbe, hardware: () => boolean = gpuHardwarePresent): Promise<DeviceInfo[]> {
  const listed = listedDevices();
  const infos: DeviceInfo[] = [];
  for (const device of ALL_DEVICES) {
    const build = listed.get(device);
    if (build === undefined) {
      infos.push({ device, available: false, detail: `not part of this onnxruntime-node build for ${process.platform}-${process.arch}` });
      continue;
    }
    const failure = await probe(device);
    if (failure !== null) infos.push({ device, available: false, detail: `${build}; probe failed: ${failure}` });
    else if (device === 'webgpu' && !hardware()) infos.push({ device, available: true, detail: `${build}; ${SOFTWARE_RENDERER}`, softwareRenderer: true });
    else infos.push({ device, available: true, detail: build });
  }
  return infos;
}

export interface DeviceChoice {
  readonly device: ExecutionDevice;
  /** Set when the preference could not be honoured. */
  readonly fallbackReason?: string;
}

/**
 * Creates a session for `modelPath` on the preferred device: `auto` tries the available GPU providers in
 * GPU_PREFERENCE order, then the CPU; an explicit device that fails falls back to the CPU with the reason.
 * `create` is injectable for tests.
 */
export async function createSessionWithFallback<S>(
  preference: DevicePreference,
  create: (device: ExecutionDevice) => Promise<S>,
  devices: readonly DeviceInfo[],
): Promise<{ session: S; choice: DeviceChoice }> {
  const reasons: string[] = [];
  const candidates: ExecutionDevice[] = preference === 'auto' ? GPU_PREFERENCE.filter((d) => devices.some((i) => i.device === d && i.available && !i.softwareRenderer)) : preference === 'cpu' ? [] : [preference];
  if (preference === 'auto') {
    for (const info of devices) if (info.device !== 'cpu' && (!info.available || info.softwareRenderer)) reasons.push(`${info.device}: ${info.detail}`);
  }
  for (const device of candidates) {
    const info = devices.find((i) => i.device === device);
    if (info && !info.available) {
      reasons.push(`${device}: ${info.detail}`);
      continue;
    }
    try {
      return { session: await create(device), choice: { device } };
    } catch (caught) {
      reasons.push(`${device}: ${conciseError(caught)}`);
    }
  }
  const session = await create('cpu');
  if (preference === 'cpu') return { session, choice: { device: 'cpu' } };
  const asked = preference === 'auto' ? 'no GPU execution provider works here' : `${preference} could not be used`;
  return { session, choice: { device: 'cpu', fallbackReason: `${asked}; running on the CPU (${reasons.join('; ') || 'none listed'})` } };
}
