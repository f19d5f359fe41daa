/**
 * Builds two tiny real model packages (instruct and base) for the real-engine API tests: a 4-layer
 * random-weight Hymba with the real 1.5B tokenizer, made by `hymba synth` and `hymba convert`, the same
 * way a user would. About 20 MB each; a few seconds.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../../shared/fixtures/', import.meta.url));

export interface TinyPackages {
  readonly instructDir: string;
  readonly baseDir: string;
}

function hymba(args: string[]): void {
  execFileSync(process.execPath, [join(REPO_ROOT, 'bin', 'hymba.mjs'), ...args], { cwd: REPO_ROOT, stdio: 'pipe' });
}

/** Writes the packages under `workDir` (which must exist and be empty). */
export function buildTinyPackages(workDir: string): TinyPackages {
  const source = join(workDir, 'source');
  mkdirSync(source);
  const tokenizerFiles = join(FIXTURES, 'hymba-1.5b-files');
  for (const name of readdirSync(tokenizerFiles)) {
    if (name !== 'config.json') copyFileSync(join(tokenizerFiles, name), join(source, name));
  }
  // The reference fixture's small layout (4 layers, 2 global, a KV-sharing pair, 8 meta tokens) with the
  // real tokenizer's vocabulary.
  const config = JSON.parse(readFileSync(join(FIXTURES, 'hymba-ref-a', 'config.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(source, 'config.json'), JSON.stringify({ ...config, vocab_size: 32001, torch_dtype: 'float32' }, null, 1));
  const checkpoint = join(workDir, 'checkpoint');
  hymba(['synth', '--config', join(source, 'config.json'), '--out', checkpoint, '--dtype', 'fp32', '--seed', '7']);
  const instructDir = join(workDir, 'tiny-instruct');
  const baseDir = join(workDir, 'tiny-base');
  hymba(['convert', checkpoint, instructDir, '--kind', 'instruct', '--dtype', 'fp32']);
  hymba(['convert', checkpoint, baseDir, '--kind', 'base', '--dtype', 'fp32']);
  return { instructDir, baseDir };
}
