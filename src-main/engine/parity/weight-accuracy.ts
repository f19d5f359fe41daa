/**
 * Accuracy of a weight format against float32 weights: both packages run the same token sequences
 * (no-cache forward, every position) and we report the largest |Δlogit| and how often the top-1 token
 * agrees. Used by tests and written into manifests when measured.
 */
import type { CacheDtype } from '../../contract/domain.ts';
import type { HymbaConfig } from '../config/hymba-config.ts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { err, ok, toAppError, type Result } from '../../contract/errors.ts';
import { convertCheckpoint, type ConvertedPackage } from '../package/convert.ts';
import { MANIFEST_FILE, type PackageManifest, type WeightAccuracy } from '../package/manifest.ts';
import { MODEL_FILE } from '../package/onnx-writer.ts';
import { argmaxRow, CachedRunner } from './cached-runner.ts';

export interface PackageModel {
  readonly modelPath: string;
  readonly cacheDtype: CacheDtype;
}

/** Deterministic token sequences spread over the vocabulary (a fixed LCG, no randomness across runs). */
export function probeSequences(config: HymbaConfig, count: number, length: number): number[][] {
  let state = 12345;
  const next = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state;
  };
  return Array.from({ length: count }, () => Array.from({ length }, () => 3 + (next() % (config.vocabSize - 3))));
}

export async function measureWeightAccuracy(config: HymbaConfig, reference: PackageModel, candidate: PackageModel, sequences: readonly (readonly number[])[], measuredOn: string): Promise<WeightAccuracy> {
  const V = config.vocabSize;
  const ref = await CachedRunner.create(reference.modelPath, config, reference.cacheDtype);
  const cand = await CachedRunner.create(candidate.modelPath, config, candidate.cacheDtype);
  let maxAbs = 0;
  let agree = 0;
  let positions = 0;
  try {
    for (const tokens of sequences) {
      ref.reset();
      cand.reset();
      const a = await ref.forward(tokens, tokens.length);
      const b = await cand.forward(tokens, tokens.length);
      for (let i = 0; i < a.length; i++) maxAbs = Math.max(maxAbs, Math.abs(a[i]! - b[i]!));
      for (let row = 0; row < tokens.length; row++) if (argmaxRow(a, row, V) === argmaxRow(b, row, V)) agree += 1;
      positions += tokens.length;
    }
  } finally {
    await ref.release();
    await cand.release();
  }
  return { reference: 'fp32', measuredOn, positions, maxAbsLogitDiff: maxAbs, top1Agreement: agree / positions };
}

/**
 * Measures a converted package against an fp32 conversion of the same checkpoint (built in a temporary
 * folder and removed afterwards) on `count` probe sequences of `length` tokens, and records the result
 * as `accuracy` in the package's manifest.json.
 */
export async function recordPackageAccuracy(hfDir: string, converted: ConvertedPackage, count = 2, length = 48): Promise<Result<WeightAccuracy>> {
  const work = await mkdtemp(join(dirname(converted.dir), '.accuracy-'));
  try {
    const fp32 = await convertCheckpoint(hfDir, join(work, 'fp32'), { dtype: 'fp32' });
    if (!fp32.ok) return fp32;
    const sequences = probeSequences(converted.config, count, length);
    const accuracy = await measureWeightAccuracy(
      converted.config,
      { modelPath: join(fp32.value.dir, MODEL_FILE), cacheDtype: 'float32' },
      { modelPath: join(converted.dir, MODEL_FILE), cacheDtype: converted.manifest.cacheDtype },
      sequences,
      `${count} probe sequences of ${length} tokens (no-cache forward, every position)`,
    );
    const manifest: PackageManifest = { ...converted.manifest, accuracy };
    await writeFile(join(converted.dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    return ok(accuracy);
  } catch (caught) {
    return err(toAppError(caught, 'INTERNAL'));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
