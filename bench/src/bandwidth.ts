/**
 * Memory bandwidth probe (STREAM-like). With a C compiler on the PATH, stream-probe.c is compiled at bench
 * time (`-O3 -march=native -ffast-math -fopenmp`) and run with the bench's thread count; otherwise a Node
 * fallback runs the same kernels on Float64Arrays in worker threads (slower: it measures what JS loops can
 * stream, a lower bound). The report says which probe ran.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** Best-of-N bandwidths in GB/s (1e9 B/s), STREAM byte counting. */
export interface BandwidthResult {
  /** `given`: measured elsewhere and passed in (e.g. GPU memory bandwidth for a GPU run). */
  readonly probe: 'c-openmp' | 'node-workers' | 'given';
  readonly compiler?: string;
  readonly threads: number;
  readonly arrayBytes: number;
  readonly copyGBps: number;
  readonly triadGBps: number;
  /** Read-only sum: the access pattern of streaming weights in decode. */
  readonly readGBps: number;
}

const SOURCE = fileURLToPath(new URL('./stream-probe.c', import.meta.url));

function findCompiler(): string | null {
  for (const cc of ['cc', 'gcc', 'clang']) {
    if (spawnSync('sh', ['-c', `command -v ${cc}`], { encoding: 'utf8' }).status === 0) return cc;
  }
  return null;
}

function runC(compiler: string, workDir: string, threads: number, elements: number): BandwidthResult {
  mkdirSync(workDir, { recursive: true });
  const binary = join(workDir, 'stream-probe');
  execFileSync(compiler, ['-O3', '-march=native', '-ffast-math', '-fopenmp', SOURCE, '-o', binary], { stdio: 'pipe' });
  const out = execFileSync(binary, [String(elements), '8'], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: String(threads) } });
  const parsed = JSON.parse(out) as { threads: number; arrayBytes: number; copy: number; triad: number; read: number };
  return { probe: 'c-openmp', compiler, threads: parsed.threads, arrayBytes: parsed.arrayBytes, copyGBps: parsed.copy, triadGBps: parsed.triad, readGBps: parsed.read };
}

/* The worker: kernels over its own slice of three shared Float64Arrays; reports seconds per kernel. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { buffers, from, to, reps, barrier } = workerData;
const [a, b, c] = buffers.map((s) => new Float64Array(s));
const sync = new Int32Array(barrier);
for (let i = from; i < to; i++) { a[i] = 1; b[i] = 2; c[i] = 0; }
const wait = (round) => { Atomics.add(sync, 0, 1); while (Atomics.load(sync, 0) < round) {} };
let round = 0; const times = { copy: [], triad: [], read: [] }; let sink = 0;
const timed = (name, fn) => { wait(++round * workerData.count); const t = performance.now(); fn(); times[name].push(performance.now() - t); };
for (let r = 0; r < reps; r++) {
  timed('copy', () => { for (let i = from; i < to; i++) c[i] = a[i]; });
  timed('triad', () => { for (let i = from; i < to; i++) a[i] = b[i] + 3 * c[i]; });
  timed('read', () => { let s = 0; for (let i = from; i < to; i++) s += b[i]; sink += s; });
}
parentPort.postMessage({ times, sink });
`;

async function runNode(threads: number, elements: number): Promise<BandwidthResult> {
  const buffers = [0, 1, 2].map(() => new SharedArrayBuffer(elements * 8));
  const barrier = new SharedArrayBuffer(4);
  const reps = 6;
  const per = Math.ceil(elements / threads);
  const results = await Promise.all(
    Array.from({ length: threads }, (_, t) =>
      new Promise<{ times: Record<'copy' | 'triad' | 'read', number[]> }>((resolve, reject) => {
        const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { buffers, from: t * per, to: Math.min(elements, (t + 1) * per), reps, barrier, count: threads } });
        worker.once('message', resolve);
        worker.once('error', reject);
      }),
    ),
  );
  /** The slowest thread of a repetition bounds it; the best repetition counts. */
  const best = (kernel: 'copy' | 'triad' | 'read'): number => Math.min(...Array.from({ length: reps }, (_, r) => Math.max(...results.map((x) => x.times[kernel][r]!)))) / 1000;
  const gbps = (bytesPerElement: number, seconds: number): number => (bytesPerElement * elements) / seconds / 1e9;
  return { probe: 'node-workers', threads, arrayBytes: elements * 8, copyGBps: gbps(16, best('copy')), triadGBps: gbps(24, best('triad')), readGBps: gbps(8, best('read')) };
}

/** A bandwidth measured elsewhere (e.g. the GPU's, by a device-to-device copy), used as read bandwidth. */
export function givenBandwidth(gbps: number): BandwidthResult {
  return { probe: 'given', threads: 0, arrayBytes: 0, copyGBps: gbps, triadGBps: gbps, readGBps: gbps };
}

export interface BandwidthOptions {
  /** Doubles per array (default 40M = 320 MB each, ten times a large L3). */
  readonly elements?: number;
  /** `node` skips the C probe even where a compiler exists. */
  readonly probe?: 'auto' | 'node';
}

/** Runs the probe with `threads` threads, the C one where a compiler exists. */
export async function measureBandwidth(workDir: string, threads: number, options: BandwidthOptions = {}): Promise<BandwidthResult> {
  const elements = options.elements ?? 40_000_000;
  const compiler = options.probe === 'node' ? null : findCompiler();
  if (compiler && existsSync(SOURCE)) {
    try {
      return runC(compiler, workDir, threads, elements);
    } catch (caught) {
      console.warn(`bench: the C bandwidth probe failed (${caught instanceof Error ? caught.message.split('\n')[0] : String(caught)}); using the Node probe`);
    }
  }
  return runNode(threads, elements);
}
