/**
 * A GraphRunner (runtime/model-forward.ts) over an onnxruntime session that also measures: time per run,
 * and the bytes of the present_* outputs a run hands back before the runtime trims them (the transient
 * cache peak inside one call). With `gpuResident`, present_* outputs stay on the device
 * (`preferredOutputLocation: 'gpu-buffer'`) and are fed back as they are; GPU tensors the runner produced
 * are disposed once a later run replaced them, except those pinned (shared by forks such as the meta prefix).
 */
import type * as ort from 'onnxruntime-node';
import type { GraphRunner } from '../../src-main/engine/runtime/model-forward.ts';
import type { TensorMap } from '../../src-main/engine/runtime/hybrid-cache.ts';

const ELEMENT_BYTES: Record<string, number> = { float32: 4, float16: 2, int64: 8, int32: 4, uint8: 1, bool: 1 };

/** Bytes of a tensor from its dims and type (works for GPU-resident tensors, whose data is not readable). */
export function tensorBytes(tensor: ort.Tensor): number {
  return tensor.dims.reduce((a, b) => a * b, 1) * (ELEMENT_BYTES[tensor.type] ?? 4);
}

export interface RunRecord {
  /** Positions fed (input_ids length). */
  readonly positions: number;
  readonly ms: number;
  /** Bytes of all present_* outputs of this run (untrimmed). */
  readonly presentBytes: number;
}

export class MeasuringRunner implements GraphRunner {
  readonly records: RunRecord[] = [];
  private readonly pinned = new Set<ort.Tensor>();
  private readonly owned = new Set<ort.Tensor>();

  constructor(
    readonly session: ort.InferenceSession,
    private readonly gpuResident = false,
  ) {}

  async run(feeds: TensorMap): Promise<TensorMap> {
    const started = performance.now();
    const outputs = (await this.session.run(feeds)) as TensorMap;
    const ms = performance.now() - started;
    let presentBytes = 0;
    for (const [name, tensor] of Object.entries(outputs)) if (name.startsWith('present')) presentBytes += tensorBytes(tensor);
    const ids = feeds.input_ids;
    this.records.push({ positions: ids ? ids.dims[1]! : 0, ms, presentBytes });
    if (this.gpuResident) this.releaseReplaced(feeds, outputs);
    return outputs;
  }

  /** Keeps every GPU tensor currently fed (e.g. a shared prefix cache) from being disposed. */
  pinFeeds(feeds: TensorMap): void {
    for (const tensor of Object.values(feeds)) if (tensor.location === 'gpu-buffer') this.pinned.add(tensor);
  }

  /** Pins every GPU tensor this runner produced so far. */
  pinAll(): void {
    for (const tensor of this.owned) this.pinned.add(tensor);
    this.owned.clear();
  }

  private releaseReplaced(feeds: TensorMap, outputs: TensorMap): void {
    for (const tensor of Object.values(feeds)) {
      if (tensor.location === 'gpu-buffer' && this.owned.has(tensor) && !this.pinned.has(tensor)) {
        this.owned.delete(tensor);
        tensor.dispose();
      }
    }
    for (const tensor of Object.values(outputs)) if (tensor.location === 'gpu-buffer') this.owned.add(tensor);
  }

  /** Records since `from`, then forgets them. */
  take(from = 0): RunRecord[] {
    return this.records.splice(from);
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

/** Session options for the GPU-resident mode: present_* outputs stay on the device, logits come back. */
export function gpuResidentOutputs(outputNames: readonly string[]): Record<string, 'gpu-buffer' | 'cpu'> {
  return Object.fromEntries(outputNames.map((name) => [name, name.startsWith('present') ? 'gpu-buffer' : 'cpu']));
}
