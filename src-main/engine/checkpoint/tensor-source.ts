/**
 * Read access to a checkpoint's tensors, one tensor at a time (a converter never holds the whole
 * checkpoint in memory). Implemented by the safetensors reader (single file or sharded).
 */
import type { Result } from '../../contract/errors.ts';
import type { HymbaConfig } from '../config/hymba-config.ts';

export type StoredDtype = 'F32' | 'F16' | 'BF16';

export interface TensorInfo {
  readonly name: string;
  readonly dtype: StoredDtype;
  readonly shape: readonly number[];
  readonly byteLength: number;
}

export interface TensorSource {
  /** Every tensor in the checkpoint, by name. */
  readonly tensors: ReadonlyMap<string, TensorInfo>;
  /** Reads one tensor and converts it to float32 (row-major, the stored shape). */
  readFloat32(name: string): Promise<Float32Array>;
  /** Releases file handles. */
  close(): Promise<void>;
}

/** A Hugging Face Hymba folder, opened and validated against its config. */
export interface HymbaCheckpoint {
  readonly dir: string;
  readonly config: HymbaConfig;
  /** config.json exactly as read. */
  readonly rawConfig: Record<string, unknown>;
  readonly tensors: TensorSource;
  /** Tokenizer and generation files present in the folder (file name → absolute path). */
  readonly sideFiles: ReadonlyMap<string, string>;
}

export type OpenCheckpoint = (dir: string) => Promise<Result<HymbaCheckpoint>>;
