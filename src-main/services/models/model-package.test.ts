/**
 * What the models view learns from a package folder without loading it: the checkpoint it came from and whether
 * an older converter made its graph (which still runs, slower on a GPU).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GRAPH_REVISION } from '../../engine/package/manifest.ts';
import { tinyPackage } from '../../engine/runtime/test-package.ts';
import { readModelPackage } from './model-package.ts';

const root = mkdtempSync(join(tmpdir(), 'hymba-model-package-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A copy of a freshly converted package whose manifest's `graph` is rewritten by `edit`. */
function withGraph(converted: string, name: string, edit: (graph: Record<string, unknown>) => void): string {
  const dir = join(root, name);
  cpSync(converted, dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { graph: Record<string, unknown> };
  edit(manifest.graph);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

test('a package from the current converter names its checkpoint folder and is not outdated', async () => {
  const dir = await tinyPackage();
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { graph: { revision: number }; source: { dir: string } };
  assert.equal(manifest.graph.revision, GRAPH_REVISION);
  const details = await readModelPackage(dir, 'installed');
  assert.ok(details.ok);
  assert.equal(details.value.sourceCheckpoint, manifest.source.dir);
  assert.equal(details.value.outdatedGraph, undefined);
});

test('packages from older converters say which revision they are and what it costs', async () => {
  const converted = await tinyPackage();
  const revision2 = withGraph(converted, 'rev2', (graph) => delete graph.revision);
  const revision1 = withGraph(converted, 'rev1', (graph) => {
    delete graph.revision;
    delete graph.slidingCacheTrimmed;
  });
  const two = await readModelPackage(revision2, 'installed');
  const one = await readModelPackage(revision1, 'installed');
  assert.ok(two.ok && one.ok);
  assert.match(two.value.outdatedGraph ?? '', new RegExp(`graph revision 2 of ${GRAPH_REVISION}\\): it runs slower on a GPU\\. Convert its Hugging Face folder again`));
  assert.match(one.value.outdatedGraph ?? '', /graph revision 1 of .*caches return to the CPU after every token/);
});

test('the embedded models ship with the current graph', async () => {
  const embedded = fileURLToPath(new URL('../../../assets/models/', import.meta.url));
  const packages = existsSync(embedded) ? readdirSync(embedded).filter((name) => existsSync(join(embedded, name, 'manifest.json'))) : [];
  assert.ok(packages.length >= 2, 'Base and Instruct are in assets/models');
  for (const name of packages) {
    const details = await readModelPackage(join(embedded, name), 'embedded');
    assert.ok(details.ok, name);
    assert.equal(details.value.outdatedGraph, undefined, `${name}: convert it again (tools/train/README.md)`);
  }
});
