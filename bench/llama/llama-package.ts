/**
 * Writes the Llama baseline package (model.onnx + model.onnx.data through the project's package writer,
 * plus llama.json with the shape) into a cache folder, reusing it when the shape matches.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeOnnxModel, MODEL_FILE, DATA_FILE } from '../../src-main/engine/package/onnx-writer.ts';
import { buildLlamaGraph } from './llama-graph.ts';
import type { LlamaShape } from './llama-config.ts';

export const LLAMA_SHAPE_FILE = 'llama.json';
/** Bump when the graph changes, so cached packages are rebuilt. */
const GRAPH_VERSION = 2;

export interface LlamaPackage {
  readonly dir: string;
  readonly modelPath: string;
  readonly dataBytes: number;
  readonly shape: LlamaShape;
  /** False when an existing package was reused. */
  readonly built: boolean;
}

export async function ensureLlamaPackage(dir: string, shape: LlamaShape): Promise<LlamaPackage> {
  const signature = JSON.stringify({ version: GRAPH_VERSION, shape });
  const shapeFile = join(dir, LLAMA_SHAPE_FILE);
  if (existsSync(shapeFile) && existsSync(join(dir, MODEL_FILE))) {
    const saved = JSON.parse(readFileSync(shapeFile, 'utf8')) as { signature: string; dataBytes: number };
    if (saved.signature === signature) return { dir, modelPath: join(dir, MODEL_FILE), dataBytes: saved.dataBytes, shape, built: false };
  }
  const temp = `${dir}.partial-${process.pid}`;
  await rm(temp, { recursive: true, force: true });
  await mkdir(temp, { recursive: true });
  const written = await writeOnnxModel(temp, buildLlamaGraph(shape), { metadata: { bench_baseline: 'llama-3.2-3b-shape' } });
  await writeFile(join(temp, LLAMA_SHAPE_FILE), `${JSON.stringify({ signature, dataBytes: written.dataBytes, dataFile: DATA_FILE }, null, 2)}\n`);
  await rm(dir, { recursive: true, force: true });
  await rename(temp, dir);
  return { dir, modelPath: join(dir, MODEL_FILE), dataBytes: written.dataBytes, shape, built: true };
}
