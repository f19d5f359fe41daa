/**
 * A partial change to generation settings, as the chat panel and the Settings view send it. Absent keys
 * keep their value; `seed: null` removes the seed (a new random seed each time). Pure, for every layer.
 */
import type { SamplingParams } from './domain.ts';

/** `Partial<SamplingParams>` where `seed` may also be `null` (= unset). */
export type SamplingPatch = { readonly [K in Exclude<keyof SamplingParams, 'seed'>]?: SamplingParams[K] } & {
  readonly seed?: number | null;
};

/** The settings after a patch: absent keys are kept, `seed: null` drops the seed. */
export function applySamplingPatch(base: SamplingParams, patch: SamplingPatch): SamplingParams {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else if (value !== undefined) merged[key] = value;
  }
  return merged as unknown as SamplingParams;
}
