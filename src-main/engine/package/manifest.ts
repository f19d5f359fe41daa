/**
 * manifest.json of a model package (design.md "Model package"): identity, source files, weight and cache
 * formats, the per-layer cache layout, sizes, and the measured accuracy of the weight format.
 */
import type { CacheDtype, CacheLayerInfo, ModelKind, WeightFormat } from '../../contract/domain.ts';
import type { HymbaConfig } from '../config/hymba-config.ts';
import { cacheLayout as runtimeCacheLayout } from '../runtime/cache-layout.ts';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_FORMAT_VERSION = 1;

/**
 * What the converter's graph can do, by revision (manifest `graph.revision`; packages without it predate 3).
 * Every revision runs; an older one is slower on a GPU:
 *   1  sliding caches trimmed by the runtime, so on a GPU caches come back to the host after every token;
 *   2  sliding caches trimmed in the graph (`slidingCacheTrimmed`), prompt chunks in closed form (`ssm_parallel`);
 *   3  RoPE as one RotaryEmbedding kernel per rotated tensor;
 *   4  the causal conv's taps as one Gather, Mul and ReduceSum (tap indices built once per call).
 */
export const GRAPH_REVISION = 4;

/** The graph revision of a manifest's `graph` (any JSON): its `revision`, else what its flags show (2 or 1). */
export function graphRevisionOf(graph: unknown): number {
  const fields = typeof graph === 'object' && graph !== null ? (graph as { revision?: unknown; slidingCacheTrimmed?: unknown }) : {};
  if (typeof fields.revision === 'number') return fields.revision;
  return fields.slidingCacheTrimmed === true ? 2 : 1;
}

export interface SourceFileInfo {
  readonly name: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** Per-layer cache layout: who owns K/V, and bytes per token (KV) and per sequence (conv + SSM). */
export type ManifestCacheLayer = CacheLayerInfo;

/** Accuracy of the package's weight format against float32 weights on one set of prompts. */
export interface WeightAccuracy {
  readonly reference: 'fp32';
  readonly measuredOn: string;
  readonly positions: number;
  readonly maxAbsLogitDiff: number;
  readonly top1Agreement: number;
}

export interface PackageManifest {
  readonly formatVersion: number;
  readonly id: string;
  readonly displayName: string;
  readonly kind: ModelKind;
  readonly createdAt: string;
  readonly source: { readonly dir: string; readonly files: readonly SourceFileInfo[] };
  readonly weightFormat: WeightFormat;
  readonly int4?: { readonly blockSize: number; readonly accuracyLevel: number; /** Block-wise asymmetric: a uint8 zero point per block (MatMulNBits input 3). */ readonly zeroPoints: true };
  readonly cacheDtype: CacheDtype;
  readonly parameterCount: number;
  readonly graph: {
    readonly file: string;
    readonly dataFile: string;
    readonly opset: number;
    readonly numMetaTokens: number;
    readonly slidingWindow: number;
    /** The graph cuts sliding present_* to [meta | last W] itself (absent in packages made before it did). */
    readonly slidingCacheTrimmed?: true;
    /** GRAPH_REVISION of the converter that wrote it (absent before revision 3). */
    readonly revision?: number;
  };
  readonly cacheLayout: readonly ManifestCacheLayer[];
  readonly sizes: { readonly modelBytes: number; readonly dataBytes: number };
  readonly accuracy?: WeightAccuracy;
}

/** The per-layer cache map recorded in the manifest (the runtime's formulas, so both agree). */
export function cacheLayout(config: HymbaConfig, cacheDtype: CacheDtype): ManifestCacheLayer[] {
  return [...runtimeCacheLayout(config, cacheDtype).layers];
}

/** Package id from a display name: lower-case words joined by dashes. */
export function packageId(name: string): string {
  const id = name.toLowerCase().replace(/[^a-z0-9.]+/g, '-').replace(/^-+|-+$/g, '');
  return id.length > 0 ? id : 'hymba-model';
}
