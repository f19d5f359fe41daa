/**
 * Sizes and sha256 of the files of a Hugging Face folder that a package derives from (config, weights,
 * tokenizer and generation files), hashed by streaming.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AppFailure, appError } from '../../contract/errors.ts';
import type { SourceFileInfo } from './manifest.ts';

const isSourceFile = (name: string): boolean => name.endsWith('.json') || name.endsWith('.safetensors') || name === 'tokenizer.model';

async function sha256(path: string, signal: AbortSignal | undefined, onBytes: (n: number) => void): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 4 << 20 })) {
    if (signal?.aborted) throw new AppFailure(appError('CANCELLED', 'conversion cancelled'));
    hash.update(chunk as Buffer);
    onBytes((chunk as Buffer).byteLength);
  }
  return hash.digest('hex');
}

/** Lists and hashes the source files of `dir` (sorted by name); reports hashed and total bytes. */
export async function describeSourceFiles(dir: string, signal?: AbortSignal, onBytes?: (done: number, total: number) => void): Promise<SourceFileInfo[]> {
  const found: { name: string; bytes: number }[] = [];
  for (const name of (await readdir(dir)).filter(isSourceFile).sort()) {
    const info = await stat(join(dir, name));
    if (info.isFile()) found.push({ name, bytes: info.size });
  }
  const total = found.reduce((a, f) => a + f.bytes, 0);
  let done = 0;
  const files: SourceFileInfo[] = [];
  for (const { name, bytes } of found) {
    const hash = await sha256(join(dir, name), signal, (n) => {
      done += n;
      onBytes?.(done, total);
    });
    files.push({ name, bytes, sha256: hash });
  }
  return files;
}
