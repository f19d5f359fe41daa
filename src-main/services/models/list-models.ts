/** Lists model packages: installed ones under `<dataDir>/models` and read-only embedded ones under assets/models. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelDetails, ModelSource } from '../../contract/api-types.ts';
import { readModelPackage } from './model-package.ts';

export interface ModelFolders {
  readonly installedDir: string;
  readonly embeddedDir: string;
  /** Package folders named on the command line (`hymba serve --model <pkg>`); listed read-only, first. */
  readonly extraPackageDirs?: readonly string[];
}

export interface ModelListing {
  readonly models: readonly ModelDetails[];
  /** Folders that look like packages but could not be read, with the reason. */
  readonly invalid: readonly { readonly dir: string; readonly reason: string }[];
}

async function packageDirs(root: string): Promise<string[]> {
  try {
    const entries = await readdir(root, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => join(root, e.name)).sort();
  } catch {
    return [];
  }
}

/** Command-line and embedded packages come first; a later package with an id already listed is skipped. */
export async function listModels(folders: ModelFolders): Promise<ModelListing> {
  const models: ModelDetails[] = [];
  const invalid: { dir: string; reason: string }[] = [];
  const sources: [string, ModelSource][] = [
    [folders.embeddedDir, 'embedded'],
    [folders.installedDir, 'installed'],
  ];
  const explicit: [string, ModelSource][] = (folders.extraPackageDirs ?? []).map((dir) => [dir, 'embedded']);
  const listed = await Promise.all(sources.map(async ([root, source]) => (await packageDirs(root)).map((dir): [string, ModelSource] => [dir, source])));
  for (const [dir, source] of [...explicit, ...listed.flat()]) {
    const read = await readModelPackage(dir, source);
    if (!read.ok) invalid.push({ dir, reason: read.error.message });
    else if (!models.some((m) => m.id === read.value.id)) models.push(read.value);
  }
  return { models, invalid };
}
