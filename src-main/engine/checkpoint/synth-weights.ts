/**
 * Random weights for any Hymba config, in the official tensor layout, following the fixture
 * hymba-ref-a "Weight initialisation" (NOTES.md):
 *   embed_tokens (and an untied lm_head)  N(0, 0.1), row pad_token_id zeroed (embedding only)
 *   memory_tokens                         N(0, 1)
 *   in_proj                               N(0, 0.1)
 *   out_proj, x_proj                      N(0, 0.02)
 *   moe gate/up/down                      N(0, 0.05)
 *   conv1d weight and bias                U(−1/√k, 1/√k), k = d_conv
 *   dt_proj weight                        U(−r^−½, r^−½), r = dt_rank
 *   dt_proj bias                          softplus⁻¹(dt), dt = exp(U(ln 1e−3, ln 1e−1)) clamped ≥ 1e−4
 *   A_log                                 log(1..d_state) on every channel
 *   D                                     ones
 *   every RMSNorm weight                  1 + N(0, 0.1)
 * Every tensor draws from its own stream (seed, tensor name), so values do not depend on order,
 * and each is generated chunk by chunk: nothing holds more than one chunk.
 */
import type { HymbaConfig } from '../config/hymba-config.ts';
import { encodeFromFloat32 } from './dtype.ts';
import { expectedHymbaTensors, type ExpectedTensor } from './hymba-tensors.ts';
import { hashString, Prng } from './prng.ts';
import type { TensorToWrite } from './safetensors-writer.ts';
import type { StoredDtype } from './tensor-source.ts';

/** Elements generated per chunk (4 MB of float32). */
const CHUNK_ELEMENTS = 1 << 20;

/** Fills `out` with the values of flat indices [start, start + out.length). */
type Fill = (out: Float32Array, start: number, rng: Prng) => void;

const normal = (std: number, mean = 0): Fill => (out, _start, rng) => rng.fillNormal(out, mean, std);

const uniform = (bound: number): Fill => (out, _start, rng) => {
  for (let i = 0; i < out.length; i++) out[i] = rng.uniform(-bound, bound);
};

const constant = (value: number): Fill => (out) => out.fill(value);

/** N(0, std) with one row (of `width` elements) zeroed: the padding embedding. */
const normalWithZeroRow = (std: number, row: number, width: number): Fill => (out, start, rng) => {
  rng.fillNormal(out, 0, std);
  const from = Math.max(row * width - start, 0);
  const to = Math.min((row + 1) * width - start, out.length);
  if (from < to) out.fill(0, from, to);
};

/** A_log [d_inner, d_state]: log(1 + n) at state column n. */
const aLog = (dState: number): Fill => (out, start) => {
  for (let i = 0; i < out.length; i++) out[i] = Math.log(1 + ((start + i) % dState));
};

/** dt_proj bias: the inverse softplus of a log-uniform dt in [1e-3, 1e-1]. */
const dtBias: Fill = (out, _start, rng) => {
  for (let i = 0; i < out.length; i++) {
    const dt = Math.max(Math.exp(rng.uniform(Math.log(1e-3), Math.log(1e-1))), 1e-4);
    out[i] = dt + Math.log(-Math.expm1(-dt));
  }
};

/** The initialisation rule of a tensor, from its name. */
export function fillFor(config: HymbaConfig, name: string): Fill {
  const d = config.hiddenSize;
  if (name === 'model.embed_tokens.weight') return normalWithZeroRow(0.1, config.padTokenId, d);
  if (name === 'lm_head.weight') return normal(0.1);
  if (name === 'model.memory_tokens') return normal(1);
  if (/norm\d?\.weight$/.test(name)) return normal(0.1, 1);
  if (name.endsWith('mamba.in_proj.weight')) return normal(0.1);
  if (name.endsWith('mamba.out_proj.weight') || name.endsWith('mamba.x_proj.0.weight')) return normal(0.02);
  if (name.includes('.moe.experts.0.')) return normal(0.05);
  if (name.endsWith('mamba.conv1d.weight') || name.endsWith('mamba.conv1d.bias')) return uniform(1 / Math.sqrt(config.mamba.dConv));
  if (name.endsWith('mamba.dt_proj.0.weight')) return uniform(1 / Math.sqrt(config.mamba.dtRank));
  if (name.endsWith('mamba.dt_proj.0.bias')) return dtBias;
  if (name.endsWith('mamba.A_log.0')) return aLog(config.mamba.dState);
  if (name.endsWith('mamba.D.0')) return constant(1);
  throw new Error(`no initialisation rule for tensor "${name}"`);
}

function* tensorChunks(tensor: ExpectedTensor, fill: Fill, rng: Prng, dtype: StoredDtype): Generator<Uint8Array> {
  const count = tensor.shape.reduce((a, b) => a * b, 1);
  const buffer = new Float32Array(Math.min(count, CHUNK_ELEMENTS));
  for (let start = 0; start < count; start += buffer.length) {
    const chunk = buffer.subarray(0, Math.min(buffer.length, count - start));
    fill(chunk, start, rng);
    yield encodeFromFloat32(chunk, dtype);
  }
}

/** Every tensor of a random checkpoint, each generated lazily when the writer asks for its bytes. */
export function synthTensors(config: HymbaConfig, options: { dtype: StoredDtype; seed: number }): TensorToWrite[] {
  return expectedHymbaTensors(config).map((tensor) => {
    const fill = fillFor(config, tensor.name);
    return {
      name: tensor.name,
      dtype: options.dtype,
      shape: tensor.shape,
      bytes: () => tensorChunks(tensor, fill, new Prng(options.seed, hashString(tensor.name)), options.dtype),
    };
  });
}
