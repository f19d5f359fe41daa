/**
 * Importing a Hugging Face folder through the real converter, run in its own engine process as the hosts
 * do: progress to done and the model listed; broken folders fail with clear errors before any work; cancel
 * leaves nothing behind; every conversion process has ended when the import settles.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImportProgress } from '../../contract/api-types.ts';
import { synthCheckpoint } from '../../engine/checkpoint/synth-checkpoint.ts';
import { HF_FILES_DIR, tinyConfig } from '../../engine/runtime/test-package.ts';
import { forkEngineChannel, type EngineChannelFactory } from '../engine/engine-channel.ts';
import { processConverter } from './process-converter.ts';
import { startImport, validateSourceFolder } from './import-model.ts';
import { listModels } from './list-models.ts';
import { removeModel } from './remove-model.ts';

const root = mkdtempSync(join(tmpdir(), 'hymba-import-'));
after(() => rmSync(root, { recursive: true, force: true }));
const installedDir = join(root, 'models');
const folders = { installedDir, embeddedDir: join(root, 'embedded-none') };

/** Conversion processes started by the converter, and which of them have exited. */
const started: number[] = [];
const exited: number[] = [];
const fork = forkEngineChannel();
const countingChannels: EngineChannelFactory = () => {
  const channel = fork();
  const pid = channel.pid ?? -1;
  started.push(pid);
  channel.onExit(() => exited.push(pid));
  return channel;
};
const engineConverter = processConverter(countingChannels);

async function hfFolder(name: string): Promise<string> {
  const src = join(root, `${name}-src`);
  mkdirSync(src);
  writeFileSync(join(src, 'config.json'), JSON.stringify(tinyConfig({ layers: 3 })));
  for (const file of ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json']) copyFileSync(join(HF_FILES_DIR, file), join(src, file));
  const out = join(root, name);
  const synth = await synthCheckpoint({ configPath: join(src, 'config.json'), outDir: out, dtype: 'F32', seed: 3 });
  assert.ok(synth.ok);
  return out;
}

test('a Hugging Face folder imports with progress and ends listed as an Instruct model', async () => {
  const source = await hfFolder('hf-good');
  const events: ImportProgress[] = [];
  const job = startImport(installedDir, { sourceDir: source, displayName: 'My Tiny', weightFormat: 'fp32' }, engineConverter, (p) => events.push(p));
  const done = await job.done;
  assert.ok(done.ok, JSON.stringify(!done.ok && done.error));
  const phases = events.map((e) => e.phase);
  assert.equal(phases[0], 'validating');
  assert.ok(phases.includes('converting') && phases.includes('verifying'));
  assert.equal(phases.at(-1), 'done');
  assert.equal(events.at(-1)?.modelId, done.value);
  assert.equal(started.length, 1, 'one conversion process');
  assert.notEqual(started[0], process.pid);
  assert.deepEqual(exited, started, 'the conversion process has ended');
  const fractions = events.map((e) => e.fraction);
  assert.deepEqual(fractions, [...fractions].sort((a, b) => a - b), 'progress never goes back');
  const { models } = await listModels(folders);
  assert.deepEqual(models.map((m) => [m.id, m.displayName, m.kind, m.source]), [[done.value, 'My Tiny', 'instruct', 'installed']]);
  assert.deepEqual(readdirSync(installedDir), [done.value], 'no temporary folder left');
  assert.ok((await removeModel(folders, done.value)).ok);
  assert.deepEqual((await listModels(folders)).models, []);
});

test('broken folders are rejected with a reason before any conversion', async () => {
  const empty = join(root, 'empty');
  mkdirSync(empty);
  const noWeights = join(root, 'no-weights');
  mkdirSync(noWeights);
  copyFileSync(join(HF_FILES_DIR, 'config.json'), join(noWeights, 'config.json'));
  const badConfig = join(root, 'bad-config');
  mkdirSync(badConfig);
  writeFileSync(join(badConfig, 'config.json'), JSON.stringify({ model_type: 'llama' }));
  const cases: [string, RegExp][] = [
    [join(root, 'missing'), /not found/],
    [empty, /no config\.json/],
    [noWeights, /no \.safetensors/],
    [badConfig, /Not a supported Hymba config/],
    ['relative/path', /absolute path/],
  ];
  for (const [dir, reason] of cases) {
    const checked = await validateSourceFolder(dir);
    assert.equal(checked.ok, false, dir);
    assert.match(checked.ok ? '' : checked.error.message, reason);
  }
  const events: ImportProgress[] = [];
  const done = await startImport(installedDir, { sourceDir: noWeights }, engineConverter, (p) => events.push(p)).done;
  assert.equal(done.ok, false);
  assert.equal(events.at(-1)?.phase, 'failed');
  assert.equal(events.at(-1)?.error?.code, 'CHECKPOINT_INVALID');
});

test('cancelling an import reports cancelled and leaves no folder behind', async () => {
  const source = await hfFolder('hf-cancel');
  const events: ImportProgress[] = [];
  const job = startImport(installedDir, { sourceDir: source, weightFormat: 'fp32' }, engineConverter, (p) => {
    events.push(p);
    if (p.phase === 'converting') job.cancel();
  });
  const done = await job.done;
  assert.equal(!done.ok && done.error.code, 'CANCELLED');
  assert.equal(events.at(-1)?.phase, 'cancelled');
  assert.deepEqual(readdirSync(installedDir), []);
  assert.deepEqual(exited, started, 'the cancelled conversion process has ended');
});
