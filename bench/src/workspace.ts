/**
 * The benchmark's models, kept in a git-ignored cache folder (default bench/work/) and reused across runs:
 * a random-weight checkpoint of the real 1.5B layout (config + tokenizer from the shared fixture folder,
 * written by the project's synthesiser), its converted packages (the project's converter), a second package
 * for the switch measurement (hard links to the first's files, its own manifest id), and the Llama baseline.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { copyFile, link, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WeightFormat } from '../../src-main/contract/domain.ts';
import { synthCheckpoint } from '../../src-main/engine/checkpoint/synth-checkpoint.ts';
import { convertCheckpoint } from '../../src-main/engine/package/convert.ts';
import { LLAMA_3_2_3B } from '../llama/llama-config.ts';
import { ensureLlamaPackage, type LlamaPackage } from '../llama/llama-package.ts';

export interface Workspace {
  readonly checkpointDir: string;
  readonly packages: Partial<Record<WeightFormat, string>>;
  readonly switchPackageDir: string;
  readonly llama: LlamaPackage;
  /** What had to be built in this run (empty when everything was cached), with seconds. */
  readonly built: { readonly what: string; readonly seconds: number }[];
}

const ENGINE_DIR = fileURLToPath(new URL('../../src-main/engine/', import.meta.url));
const SIGNATURE_FILE = 'bench-converter.sha256';

/** Hash of the graph builder and converter sources: a package converted by other code is converted again. */
export function converterSignature(): string {
  const hash = createHash('sha256');
  for (const folder of ['onnx', 'onnx/hymba', 'package', 'config', 'model']) {
    const dir = join(ENGINE_DIR, folder);
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort()) hash.update(name).update(readFileSync(join(dir, name)));
  }
  return hash.digest('hex');
}

const sameFile = (a: string, b: string): boolean => existsSync(a) && existsSync(b) && readFileSync(a, 'utf8') === readFileSync(b, 'utf8');

async function timed<T>(built: Workspace['built'], what: string, log: (line: string) => void, work: () => Promise<T>): Promise<T> {
  log(`building ${what} ...`);
  const started = performance.now();
  const value = await work();
  built.push({ what, seconds: (performance.now() - started) / 1000 });
  log(`built ${what} in ${built.at(-1)!.seconds.toFixed(0)} s`);
  return value;
}

/** A second package sharing the first's files by hard link (copy where links fail), with its own id. */
async function switchCopy(from: string, to: string): Promise<void> {
  await rm(to, { recursive: true, force: true });
  await mkdir(to, { recursive: true });
  for (const name of await readdir(from)) {
    if (name === 'manifest.json') continue;
    await link(join(from, name), join(to, name)).catch(() => copyFile(join(from, name), join(to, name)));
  }
  const manifest = JSON.parse(await readFile(join(from, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(join(to, 'manifest.json'), `${JSON.stringify({ ...manifest, id: `${String(manifest.id)}-switch`, displayName: `${String(manifest.displayName)} (switch copy)` }, null, 2)}\n`);
}

export async function prepareWorkspace(workDir: string, sourceDir: string, formats: readonly WeightFormat[], log: (line: string) => void): Promise<Workspace> {
  const built: Workspace['built'] = [];
  const checkpointDir = join(workDir, 'hymba-1.5b-random');
  if (!sameFile(join(checkpointDir, 'config.json'), join(sourceDir, 'config.json')) || !existsSync(join(checkpointDir, 'model.safetensors'))) {
    await rm(checkpointDir, { recursive: true, force: true });
    await timed(built, 'the random-weight 1.5B checkpoint', log, async () => {
      const result = await synthCheckpoint({ configPath: join(sourceDir, 'config.json'), outDir: checkpointDir, dtype: 'BF16', seed: 0 });
      if (!result.ok) throw new Error(`synth failed: ${result.error.message}`);
    });
  }
  const packages: Workspace['packages'] = {};
  for (const format of formats) {
    const dir = join(workDir, 'packages', `hymba-1.5b-${format}`);
    const manifest = join(dir, 'manifest.json');
    const signature = converterSignature();
    const signed = existsSync(join(dir, SIGNATURE_FILE)) && readFileSync(join(dir, SIGNATURE_FILE), 'utf8') === signature;
    const stale = !existsSync(manifest) || !signed || !sameFile(join(dir, 'config.json'), join(checkpointDir, 'config.json')) || built.length > 0;
    if (stale) {
      await rm(dir, { recursive: true, force: true });
      await timed(built, `the ${format} package`, log, async () => {
        const result = await convertCheckpoint(checkpointDir, dir, { dtype: format, kind: 'base', displayName: `hymba-1.5b-${format}` });
        if (!result.ok) throw new Error(`convert ${format} failed: ${result.error.message}`);
        await writeFile(join(dir, SIGNATURE_FILE), signature);
      });
    }
    packages[format] = dir;
  }
  const first = packages.int4 ?? packages[formats[0]!]!;
  const switchPackageDir = `${first}-switch`;
  await switchCopy(first, switchPackageDir);
  const llamaStarted = performance.now();
  const llama = await ensureLlamaPackage(join(workDir, 'packages', 'llama-3.2-3b-shape-int4'), LLAMA_3_2_3B);
  if (llama.built) built.push({ what: 'the Llama-3.2-3B-shaped int4 package', seconds: (performance.now() - llamaStarted) / 1000 });
  return { checkpointDir, packages, switchPackageDir, llama, built };
}
