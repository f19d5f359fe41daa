import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { phaseStore } from './phase-store.ts';

test('a resumed run reuses a finished phase only for the same source and input', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'phase-store-'));
  try {
    const entry = join(dir, 'demo-phase.ts');
    await writeFile(entry, 'export const version = 1;');
    let measured = 0;
    const measure = async () => ({ run: ++measured });
    const quiet = () => {};
    const store = join(dir, 'phases');
    assert.deepEqual(await phaseStore(store, true).run(entry, { context: 512 }, measure, quiet), { run: 1 });
    assert.deepEqual(await phaseStore(store, true).run(entry, { context: 512 }, measure, quiet), { run: 1 }, 'same input: stored result');
    assert.deepEqual(await phaseStore(store, true).run(entry, { context: 4096 }, measure, quiet), { run: 2 }, 'other input: measured');
    assert.deepEqual(await phaseStore(store, false).run(entry, { context: 512 }, measure, quiet), { run: 3 }, 'without resume: measured');
    await writeFile(entry, 'export const version = 2;');
    assert.deepEqual(await phaseStore(store, true).run(entry, { context: 512 }, measure, quiet), { run: 4 }, 'changed phase source: measured');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
