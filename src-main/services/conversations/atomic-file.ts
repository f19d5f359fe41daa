/**
 * Durable file replacement: write a temp file in the same folder, fsync it, rename it over the target,
 * then fsync the folder. A crash at any point leaves either the old file or the new one, never a mix.
 */
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } catch (caught) {
    await handle.close();
    await rm(temp, { force: true });
    throw caught;
  }
  await handle.close();
  try {
    await rename(temp, path);
  } catch (caught) {
    await rm(temp, { force: true });
    throw caught;
  }
  await syncFolder(dirname(path));
}

/** Makes a rename durable; not supported on Windows (ignored there). */
async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Temp files left by a crash between write and rename. */
export function isAtomicTempFile(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp');
}
