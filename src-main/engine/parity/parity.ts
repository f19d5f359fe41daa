/**
 * `hymba parity`: converts a reference fixture in float32 and checks, for every case, the no-cache
 * prompt forward, the no-cache forward over the extended sequence and the cached greedy decode (one
 * token per step, the graph's own caches fed back, sliding caches trimmed between calls) against the
 * official logits. Passes when every |Δlogit| <= 1e-4 and every greedy token is equal.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ok, type Result } from '../../contract/errors.ts';
import { convertCheckpoint } from '../package/convert.ts';
import { MODEL_FILE } from '../package/onnx-writer.ts';
import { argmaxRow, CachedRunner } from './cached-runner.ts';
import { readFixture, type FixtureCase } from './fixture.ts';

export const PARITY_TOLERANCE = 1e-4;

export interface CaseParity {
  readonly name: string;
  readonly promptMaxAbs: number;
  readonly extendedMaxAbs: number;
  readonly decodeMaxAbs: number;
  /** Greedy steps whose token differs from the official one (empty when all agree). */
  readonly tokenMismatches: readonly number[];
  readonly steps: number;
}

export interface ParityReport {
  readonly fixture: string;
  readonly cases: readonly CaseParity[];
  readonly maxAbs: number;
  readonly pass: boolean;
}

/** max |a − b| over the rows of a reference matrix and a row-major result. */
export function maxAbsDiff(reference: readonly (readonly number[])[], actual: Float32Array, width: number): number {
  if (actual.length !== reference.length * width) return Infinity;
  let max = 0;
  reference.forEach((row, r) => {
    for (let k = 0; k < width; k++) max = Math.max(max, Math.abs(row[k]! - actual[r * width + k]!));
  });
  return Number.isNaN(max) ? Infinity : max;
}

async function checkCase(runner: CachedRunner, c: FixtureCase): Promise<CaseParity> {
  const V = runner.config.vocabSize;
  runner.reset();
  const promptMaxAbs = maxAbsDiff(c.fullLogits, await runner.forward(c.inputIds, c.inputIds.length), V);
  runner.reset();
  const extendedMaxAbs = maxAbsDiff(c.extendedLogits, await runner.forward(c.extendedInputIds, c.extendedInputIds.length), V);

  runner.reset();
  let decodeMaxAbs = 0;
  const tokenMismatches: number[] = [];
  let logits = await runner.forward(c.inputIds, 1);
  for (let step = 0; step < c.greedyTokens.length; step++) {
    decodeMaxAbs = Math.max(decodeMaxAbs, maxAbsDiff([c.greedyLogits[step]!], logits, V));
    const token = argmaxRow(logits, 0, V);
    if (token !== c.greedyTokens[step]) tokenMismatches.push(step);
    if (step + 1 < c.greedyTokens.length) logits = await runner.forward([token], 1);
  }
  return { name: c.name, promptMaxAbs, extendedMaxAbs, decodeMaxAbs, tokenMismatches, steps: c.greedyTokens.length };
}

/** Runs the parity check on a fixture folder. `log` receives one line per case. */
export async function runParity(fixtureDir: string, log: (line: string) => void = () => {}): Promise<Result<ParityReport>> {
  const fixture = await readFixture(fixtureDir);
  if (!fixture.ok) return fixture;
  const work = await mkdtemp(join(tmpdir(), 'hymba-parity-'));
  try {
    const converted = await convertCheckpoint(fixtureDir, join(work, 'package'), { dtype: 'fp32' });
    if (!converted.ok) return converted;
    const runner = await CachedRunner.create(join(converted.value.dir, MODEL_FILE), converted.value.config, 'float32');
    const cases: CaseParity[] = [];
    try {
      for (const c of fixture.value.cases) {
        const result = await checkCase(runner, c);
        cases.push(result);
        const tokens = result.tokenMismatches.length === 0 ? `all ${result.steps} equal` : `${result.tokenMismatches.length} differ (first at step ${result.tokenMismatches[0]})`;
        log(`  ${c.name}: prompt max|Δ|=${result.promptMaxAbs.toExponential(3)}  extended max|Δ|=${result.extendedMaxAbs.toExponential(3)}  cached decode max|Δ|=${result.decodeMaxAbs.toExponential(3)}  greedy tokens: ${tokens}`);
      }
    } finally {
      await runner.release();
    }
    const maxAbs = Math.max(...cases.map((c) => Math.max(c.promptMaxAbs, c.extendedMaxAbs, c.decodeMaxAbs)));
    const pass = maxAbs <= PARITY_TOLERANCE && cases.every((c) => c.tokenMismatches.length === 0);
    return ok({ fixture: fixture.value.name, cases, maxAbs, pass });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
