/**
 * The reference fixture format of ../shared/fixtures/hymba-ref-a (NOTES.md there): config.json,
 * model.safetensors and reference.json with, per case, the no-cache prompt logits, the no-cache logits
 * over the extended sequence and the official cached greedy decode.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { appError, err, ok, toAppError, type Result } from '../../contract/errors.ts';

export interface FixtureCase {
  readonly name: string;
  readonly inputIds: readonly number[];
  /** [L][V] no-cache forward over the prompt. */
  readonly fullLogits: readonly (readonly number[])[];
  readonly extendedInputIds: readonly number[];
  /** [L + steps − 1][V] no-cache forward over prompt + greedy tokens. */
  readonly extendedLogits: readonly (readonly number[])[];
  /** Row 0: cached prefill (last position); row k: k-th one-token decode step. */
  readonly greedyLogits: readonly (readonly number[])[];
  readonly greedyTokens: readonly number[];
}

export interface Fixture {
  readonly dir: string;
  readonly name: string;
  readonly cases: readonly FixtureCase[];
}

type Json = Record<string, unknown>;

function matrix(value: unknown, what: string): number[][] {
  if (!Array.isArray(value) || !value.every((row) => Array.isArray(row))) throw new Error(`${what} must be a list of rows`);
  return value as number[][];
}

function list(value: unknown, what: string): number[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number')) throw new Error(`${what} must be a list of numbers`);
  return value as number[];
}

export async function readFixture(dir: string): Promise<Result<Fixture>> {
  let raw: Json;
  try {
    raw = JSON.parse(await readFile(join(dir, 'reference.json'), 'utf8')) as Json;
  } catch (caught) {
    return err(toAppError(caught, 'MODEL_INVALID'));
  }
  try {
    const cases = Object.entries((raw.cases ?? {}) as Record<string, Json>).map(([name, c]): FixtureCase => {
      const greedy = (c.greedy ?? {}) as Json;
      return {
        name,
        inputIds: list(c.input_ids, `${name}.input_ids`),
        fullLogits: matrix(c.full_logits, `${name}.full_logits`),
        extendedInputIds: list(c.extended_input_ids, `${name}.extended_input_ids`),
        extendedLogits: matrix(c.extended_nocache_logits, `${name}.extended_nocache_logits`),
        greedyLogits: matrix(greedy.logits, `${name}.greedy.logits`),
        greedyTokens: list(greedy.tokens, `${name}.greedy.tokens`),
      };
    });
    if (cases.length === 0) throw new Error('reference.json has no cases');
    return ok({ dir, name: typeof raw.fixture === 'string' ? raw.fixture : dir, cases });
  } catch (caught) {
    return err(appError('MODEL_INVALID', `${join(dir, 'reference.json')}: ${caught instanceof Error ? caught.message : String(caught)}`));
  }
}
