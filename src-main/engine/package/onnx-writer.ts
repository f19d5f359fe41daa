/**
 * Writes a built graph as `model.onnx` plus one external weight file `model.onnx.data`, producing the
 * weights one at a time in declaration order. Tensors of 64 KiB or more start at 64 KiB-aligned offsets
 * (so onnxruntime can map them); smaller ones at 64-byte offsets. The model is loaded by path
 * (onnxruntime-notes §5), with `location` relative to model.onnx.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { AppFailure, appError } from '../../contract/errors.ts';
import { encodeModel, ONNX_TYPE, onnx, type GraphBuilder, type TensorProto } from '../onnx/graph-builder.ts';

export const MODEL_FILE = 'model.onnx';
export const DATA_FILE = 'model.onnx.data';
const LARGE = 64 * 1024;
const SMALL_ALIGN = 64;

export interface WrittenModel {
  readonly modelBytes: number;
  readonly dataBytes: number;
  readonly weightCount: number;
}

const alignUp = (offset: number, to: number): number => Math.ceil(offset / to) * to;

/** Writes model.onnx and model.onnx.data into `dir`. Throws AppFailure(CANCELLED) when aborted. */
export async function writeOnnxModel(dir: string, graph: GraphBuilder, options: { signal?: AbortSignal; metadata?: Record<string, string> } = {}): Promise<WrittenModel> {
  const protos = new Map<string, TensorProto>();
  const data = await open(join(dir, DATA_FILE), 'w');
  let offset = 0;
  try {
    for (const weight of graph.lazyWeights()) {
      if (options.signal?.aborted) throw new AppFailure(appError('CANCELLED', 'conversion cancelled'));
      const bytes = await weight.produce();
      if (bytes.byteLength !== weight.byteLength) throw new Error(`${weight.name}: produced ${bytes.byteLength} bytes, expected ${weight.byteLength}`);
      offset = alignUp(offset, bytes.byteLength >= LARGE ? LARGE : SMALL_ALIGN);
      await data.write(bytes, 0, bytes.byteLength, offset);
      protos.set(weight.name, {
        name: weight.name,
        dataType: ONNX_TYPE[weight.type],
        dims: [...weight.dims],
        dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
        externalData: [
          { key: 'location', value: DATA_FILE },
          { key: 'offset', value: String(offset) },
          { key: 'length', value: String(bytes.byteLength) },
        ],
      });
      offset += bytes.byteLength;
    }
  } finally {
    await data.close();
  }
  const encoded = encodeModel(graph.toModelProto(protos, options.metadata));
  const model = await open(join(dir, MODEL_FILE), 'w');
  try {
    await model.write(encoded);
  } finally {
    await model.close();
  }
  return { modelBytes: encoded.byteLength, dataBytes: offset, weightCount: protos.size };
}
