import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { command } from './synth.ts';

const config = fileURLToPath(new URL('../../../../shared/fixtures/hymba-ref-a/config.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hymba-synth-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the verb with console output captured. */
async function run(args: string[]): Promise<{ code: number; out: string; errors: string }> {
  const out: string[] = [];
  const errors: string[] = [];
  const { log, error } = console;
  console.log = (...parts: unknown[]) => out.push(parts.join(' '));
  console.error = (...parts: unknown[]) => errors.push(parts.join(' '));
  try {
    return { code: await command.run(args), out: out.join('\n'), errors: errors.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

test('hymba synth writes a checkpoint and prints progress', async () => {
  const result = await run(['--config', config, '--out', join(dir, 'model'), '--dtype', 'fp16', '--seed', '9']);
  assert.equal(result.code, 0, result.errors);
  assert.match(result.out, /\[79\/79\] 100\.0%/);
  assert.match(result.out, /wrote /);
  assert.deepEqual(readdirSync(join(dir, 'model')).sort(), ['config.json', 'model.safetensors']);
});

test('hymba synth rejects bad flags with exit code 2', async () => {
  assert.equal((await run(['--out', join(dir, 'x')])).code, 2);
  const badDtype = await run(['--config', config, '--out', join(dir, 'x'), '--dtype', 'int8']);
  assert.equal(badDtype.code, 2);
  assert.match(badDtype.errors, /--dtype must be one of bf16, fp16, fp32/);
  assert.equal((await run(['--config', config, '--out', join(dir, 'x'), '--seed', '-1'])).code, 2);
  assert.equal((await run(['--config', join(dir, 'absent.json'), '--out', join(dir, 'x')])).code, 1);
});
