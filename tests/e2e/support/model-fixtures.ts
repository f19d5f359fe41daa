/**
 * Small real model packages for the e2e suite, built with the project's own CLI:
 *   hymba synth  → a random-weight Hugging Face checkpoint of a small Hymba config (1.5B tokenizer)
 *   hymba convert → a model package (one Base, one Instruct)
 * Until trained embedded models ship in assets/models, this is the smallest honest stand-in: the real
 * engine runs real graphs on it. Results are cached in the OS temp folder under a hash of the config and
 * of the engine sources that produce them, so repeated runs reuse them.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { tinyConfig } from '../../../src-main/engine/runtime/test-package.ts';
import { HYMBA_BIN, REPO_ROOT, SHARED_FIXTURES } from './paths.ts';

const run = promisify(execFile);
const HF_FILES = join(SHARED_FIXTURES, 'hymba-1.5b-files');
const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'added_tokens.json', 'generation_config.json'];

export interface ModelFixtures {
  /** A Hugging Face style folder (config, safetensors, tokenizer) to import through the UI. */
  readonly checkpointDir: string;
  /** Converted packages, ready to be installed into a data folder. */
  readonly basePackageDir: string;
  readonly instructPackageDir: string;
  /** A folder that looks like a checkpoint but is not one (no weights, a config that is not Hymba). */
  readonly brokenDir: string;
}

/** The engine tests' tiny config (1.5B layout rules: globals first and last, pairs sharing KV) at 6 layers. */
function smallConfig(): Record<string, unknown> {
  return {
    ...tinyConfig({ layers: 6, hidden: 64, window: 32 }),
    torch_dtype: 'float32',
    // Long enough that the memory budget, not the position limit, decides how much context fits.
    max_position_embeddings: 131_072,
  };
}

function hashSources(hash: ReturnType<typeof createHash>, dir: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) hashSources(hash, path);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) hash.update(name).update(readFileSync(path));
  }
}

function fixturesKey(config: Record<string, unknown>): string {
  const hash = createHash('sha256').update(JSON.stringify(config));
  for (const sub of ['checkpoint', 'config', 'onnx', 'package']) hashSources(hash, join(REPO_ROOT, 'src-main', 'engine', sub));
  return hash.digest('hex').slice(0, 16);
}

async function hymba(args: string[]): Promise<void> {
  try {
    await run(process.execPath, [HYMBA_BIN, ...args], { cwd: REPO_ROOT, maxBuffer: 16 * 2 ** 20 });
  } catch (caught) {
    const failure = caught as { stderr?: string; message: string };
    throw new Error(`hymba ${args[0]} failed: ${failure.stderr?.trim() || failure.message}`);
  }
}

/** Removes fixtures built from older sources (each is ~40 MB), keeping the one about to be built. */
async function pruneOtherFixtures(keep: string): Promise<void> {
  const parent = dirname(keep);
  if (!existsSync(parent)) return;
  for (const name of readdirSync(parent)) {
    const path = join(parent, name);
    if (path !== keep && statSync(path).mtimeMs < Date.now() - 10 * 60_000) await rm(path, { recursive: true, force: true });
  }
}

/** Builds (or reuses) the fixtures; takes a few seconds the first time. */
export async function buildModelFixtures(): Promise<ModelFixtures> {
  const config = smallConfig();
  const root = join(tmpdir(), 'hymba-desk-e2e', fixturesKey(config));
  const fixtures: ModelFixtures = {
    checkpointDir: join(root, 'checkpoint'),
    basePackageDir: join(root, 'packages', 'e2e-base'),
    instructPackageDir: join(root, 'packages', 'e2e-instruct'),
    brokenDir: join(root, 'broken'),
  };
  if (existsSync(join(root, 'complete'))) return fixtures;

  await pruneOtherFixtures(root);
  const work = join(root, `work-${process.pid}`);
  await rm(work, { recursive: true, force: true });
  await mkdir(join(work, 'source'), { recursive: true });
  await writeFile(join(work, 'source', 'config.json'), JSON.stringify(config, null, 2));
  for (const name of TOKENIZER_FILES) await copyFile(join(HF_FILES, name), join(work, 'source', name));
  await hymba(['synth', '--config', join(work, 'source', 'config.json'), '--out', join(work, 'checkpoint'), '--dtype', 'fp32', '--seed', '7']);
  await hymba(['convert', join(work, 'checkpoint'), join(work, 'packages', 'e2e-base'), '--dtype', 'fp32', '--kind', 'base', '--name', 'E2E Base']);
  await hymba(['convert', join(work, 'checkpoint'), join(work, 'packages', 'e2e-instruct'), '--dtype', 'fp32', '--kind', 'instruct', '--name', 'E2E Instruct']);
  await mkdir(join(work, 'broken'));
  await writeFile(join(work, 'broken', 'config.json'), JSON.stringify({ model_type: 'llama', hidden_size: 8 }));

  for (const name of ['checkpoint', 'packages', 'broken']) {
    await rm(join(root, name), { recursive: true, force: true });
    await rename(join(work, name), join(root, name));
  }
  await rm(work, { recursive: true, force: true });
  await writeFile(join(root, 'complete'), new Date().toISOString());
  return fixtures;
}

/** Copies a package folder into `<dataDir>/models/<name>` so the server lists it as installed. */
export async function installPackage(packageDir: string, dataDir: string, name: string): Promise<void> {
  const target = join(dataDir, 'models', name);
  await mkdir(target, { recursive: true });
  for (const file of readdirSync(packageDir)) await copyFile(join(packageDir, file), join(target, file));
}

/**
 * Installs a copy of a package as if an older converter had made it (no graph revision in its manifest), converted
 * from `checkpointDir`.
 */
export async function installOutdatedCopy(packageDir: string, checkpointDir: string, dataDir: string, name: string, displayName: string): Promise<void> {
  await installPackage(packageDir, dataDir, name);
  const path = join(dataDir, 'models', name, 'manifest.json');
  const manifest = JSON.parse(await readFile(path, 'utf8')) as { source: { dir: string }; graph: { revision?: number } };
  delete manifest.graph.revision;
  await writeFile(path, JSON.stringify({ ...manifest, id: name, displayName, source: { ...manifest.source, dir: checkpointDir } }, null, 2));
}

export async function readManifestId(packageDir: string): Promise<string> {
  const manifest = JSON.parse(await readFile(join(packageDir, 'manifest.json'), 'utf8')) as { id?: unknown };
  if (typeof manifest.id !== 'string') throw new Error(`${packageDir}: manifest.json has no id`);
  return manifest.id;
}
