/**
 * `hymba convert <hf-dir> <out-dir> [--dtype fp32|fp16|int4] [--kind base|instruct]`: builds a model
 * package from a Hugging Face Hymba folder, with progress on stderr. Ctrl-C cancels and leaves nothing.
 */
import type { ModelKind, WeightFormat } from '../../contract/domain.ts';
import { convertCheckpoint, type ConvertProgress } from '../../engine/package/convert.ts';
import { recordPackageAccuracy } from '../../engine/parity/weight-accuracy.ts';
import { intFlag, parseCliArgs } from '../args.ts';
import type { CliCommand } from '../cli-command.ts';

const USAGE = `Usage: hymba convert <hf-dir> <out-dir> [--dtype fp32|fp16|int4] [--kind base|instruct] [--name <display name>] [--int4-accuracy 0|4]

  --dtype          weight format (default int4: block-wise 4-bit, MatMulNBits; fp16 keeps 16-bit weights; fp32 is exact)
  --kind           base or instruct (default: from the model name — "instruct"/"chat" or "base" in config _name_or_path or the folder name — else instruct when tokenizer_config.json has a chat_template)
  --name           display name (default: the output folder's name)
  --int4-accuracy  MatMulNBits accuracy_level for int4 (default 4: int8 activations, fastest; 0: float32 activations)
  --measure-accuracy  also convert to fp32 in a temporary folder and record max |Δlogit| and top-1 agreement
                      of the chosen format in manifest.json (needs room for the fp32 copy)`;

const FLAGS = {
  dtype: { type: 'string' },
  kind: { type: 'string' },
  name: { type: 'string' },
  'int4-accuracy': { type: 'string' },
  'measure-accuracy': { type: 'boolean' },
} as const;

const FORMATS: readonly WeightFormat[] = ['fp32', 'fp16', 'int4'];
const KINDS: readonly ModelKind[] = ['base', 'instruct'];

function fail(message: string): number {
  console.error(`hymba convert: ${message}\n\n${USAGE}`);
  return 2;
}

function progressPrinter(): (p: ConvertProgress) => void {
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (now - last < 500 && p.bytesDone < p.bytesTotal) return;
    last = now;
    const pct = p.bytesTotal > 0 ? ((100 * p.bytesDone) / p.bytesTotal).toFixed(1) : '100';
    const detail = p.phase === 'weights' ? ` tensors ${p.tensorsDone}/${p.tensorsTotal}` : '';
    process.stderr.write(`\r${p.phase}: ${pct}% (${(p.bytesDone / 1e6).toFixed(0)}/${(p.bytesTotal / 1e6).toFixed(0)} MB)${detail}   `);
  };
}

async function run(args: string[]): Promise<number> {
  const parsed = parseCliArgs(args, FLAGS);
  if (!parsed.ok) return fail(parsed.message);
  const { values, positionals } = parsed.parsed;
  if (positionals.length !== 2) return fail('expected <hf-dir> and <out-dir>');
  const dtype = (values.dtype ?? 'int4') as WeightFormat;
  if (!FORMATS.includes(dtype)) return fail(`--dtype must be one of ${FORMATS.join(', ')}`);
  const kind = values.kind as ModelKind | undefined;
  if (kind !== undefined && !KINDS.includes(kind)) return fail(`--kind must be base or instruct`);
  const accuracy = intFlag(values['int4-accuracy'], 'int4-accuracy');
  if (typeof accuracy === 'string') return fail(accuracy);
  if (accuracy !== undefined && accuracy !== 0 && accuracy !== 4) return fail('--int4-accuracy must be 0 or 4');

  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  const started = Date.now();
  try {
    const result = await convertCheckpoint(positionals[0]!, positionals[1]!, {
      dtype,
      ...(kind ? { kind } : {}),
      ...(typeof values.name === 'string' ? { displayName: values.name } : {}),
      ...(accuracy !== undefined ? { int4AccuracyLevel: accuracy } : {}),
      onProgress: progressPrinter(),
      signal: controller.signal,
    });
    process.stderr.write('\n');
    if (!result.ok) {
      console.error(`hymba convert: ${result.error.code}: ${result.error.message}`);
      return result.error.code === 'CANCELLED' ? 130 : 1;
    }
    let m = result.value.manifest;
    if (values['measure-accuracy'] === true && m.weightFormat !== 'fp32') {
      const measured = await recordPackageAccuracy(positionals[0]!, result.value);
      if (!measured.ok) console.error(`hymba convert: accuracy not measured: ${measured.error.message}`);
      else {
        m = { ...m, accuracy: measured.value };
        console.log(`accuracy vs fp32: max |Δlogit| ${measured.value.maxAbsLogitDiff.toFixed(4)}, top-1 agreement ${(100 * measured.value.top1Agreement).toFixed(1)}% over ${measured.value.positions} positions`);
      }
    }
    const gb = (m.sizes.modelBytes + m.sizes.dataBytes) / 1e9;
    console.log(`converted ${m.parameterCount.toLocaleString('en-US')} parameters to ${m.weightFormat} (${m.kind}, cache ${m.cacheDtype}): ${result.value.dir} (${gb.toFixed(3)} GB) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

export const command: CliCommand = { summary: 'convert a Hugging Face Hymba folder into a model package', usage: USAGE, run };
