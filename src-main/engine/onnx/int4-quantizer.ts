/**
 * int4 quantization on every core: a matrix is split into row ranges that worker threads quantize with the
 * same kernel as the main thread (quantizeInt4Kernel's own source runs in the workers, so there is one
 * implementation), then the parts are joined in row order. The bytes equal quantizeInt4's (tested).
 * Small matrices, and machines with fewer than two spare cores, stay on the calling thread.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { int4Blocks, int4ZeroPointBytes, INT4_BLOCK, quantizeInt4, quantizeInt4Kernel, type Int4Matrix, type Int4Parts } from './weight-encoding.ts';

export interface Int4Quantizer {
  quantize(values: Float32Array, rows: number, cols: number): Promise<Int4Matrix>;
  /** Stops the workers (a quantizer is not used after). */
  close(): Promise<void>;
}

/** Below this many weights a matrix is quantized on the calling thread (the hand-over would cost more). */
const PARALLEL_MIN_VALUES = 1 << 20;

/** Quantizes on the calling thread. */
export const serialInt4Quantizer: Int4Quantizer = {
  quantize: (values, rows, cols) => Promise.resolve(quantizeInt4(values, rows, cols)),
  close: () => Promise.resolve(),
};

/** Workers for this machine: one per core but the one the converter's own thread keeps busy, at most 8. */
export const defaultInt4Workers = (): number => Math.min(8, availableParallelism() - 1);

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const kernel = (${quantizeInt4Kernel.toString()});
parentPort.on('message', (job) => {
  const parts = kernel(new Float32Array(job.values), job.rows, job.cols);
  parentPort.postMessage({ id: job.id, parts }, [parts.packed.buffer, parts.scales.buffer, parts.zeroPoints.buffer]);
});
`;

interface Job {
  resolve(parts: Int4Parts): void;
  reject(error: Error): void;
}

/** A pool of `workers` threads (serial when fewer than 2). */
export function createInt4Quantizer(workers = defaultInt4Workers()): Int4Quantizer {
  if (workers < 2) return serialInt4Quantizer;
  const pending = new Map<number, Job>();
  let nextId = 0;
  let failure: Error | null = null;
  const threads = Array.from({ length: workers }, () => {
    // Unreferenced while idle, so an unclosed quantizer never keeps the process alive; referenced while a job runs.
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    worker.on('message', (message: { id: number; parts: Int4Parts }) => {
      worker.unref();
      pending.get(message.id)?.resolve(message.parts);
      pending.delete(message.id);
    });
    worker.on('error', (error) => {
      failure = error;
      for (const job of pending.values()) job.reject(error);
      pending.clear();
    });
    return worker;
  });

  const run = (worker: Worker, values: Float32Array, rows: number, cols: number): Promise<Int4Parts> =>
    new Promise((resolve, reject) => {
      if (failure) return reject(failure);
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.ref();
      const copy = values.slice(); // the worker owns its rows; the source array stays with the caller
      worker.postMessage({ id, values: copy.buffer, rows, cols }, [copy.buffer]);
    });

  return {
    async quantize(values, rows, cols) {
      if (values.length !== rows * cols) throw new Error(`quantize: ${values.length} values is not ${rows}x${cols}`);
      if (values.length < PARALLEL_MIN_VALUES || rows < workers) return quantizeInt4(values, rows, cols);
      const perWorker = Math.ceil(rows / workers);
      const ranges = threads.map((_, w) => [w * perWorker, Math.min(rows, (w + 1) * perWorker)] as const).filter(([from, to]) => to > from);
      const parts = await Promise.all(ranges.map(([from, to], w) => run(threads[w]!, values.subarray(from * cols, to * cols), to - from, cols)));
      const blocks = int4Blocks(cols);
      const packed = new Uint8Array(rows * blocks * (INT4_BLOCK / 2));
      const scales = new Float32Array(rows * blocks);
      const zeroPoints = new Uint8Array(rows * int4ZeroPointBytes(blocks));
      ranges.forEach(([from], w) => {
        const part = parts[w]!;
        packed.set(part.packed, from * blocks * (INT4_BLOCK / 2));
        scales.set(part.scales, from * blocks);
        zeroPoints.set(part.zeroPoints, from * int4ZeroPointBytes(blocks));
      });
      return { packed, scales, zeroPoints, rows, cols, blocks };
    },
    async close() {
      await Promise.all(threads.map((worker) => worker.terminate()));
    },
  };
}
