import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tinyPackage } from '../../engine/runtime/test-package.ts';

const bin = fileURLToPath(new URL('../../../bin/hymba.mjs', import.meta.url));
const run = promisify(execFile);
let packageDir = '';

before(async () => {
  packageDir = await tinyPackage();
});

async function generateJson(extra: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [bin, 'generate', '--model', packageDir, '--prompt', 'Tell me a story', '--device', 'cpu', '--threads', '1', '--json', ...extra]);
  return JSON.parse(stdout) as Record<string, unknown>;
}

test('generate --json prints text and the documented metrics; the same seed gives the same text', async () => {
  const first = await generateJson(['--max-tokens', '12', '--seed', '5', '--temperature', '1']);
  assert.equal(typeof first.text, 'string');
  const metrics = first.metrics as Record<string, unknown>;
  for (const key of ['promptTokens', 'generatedTokens', 'ttftMs', 'prefillTokensPerSec', 'decodeTokensPerSec', 'cacheBytes']) {
    assert.equal(typeof metrics[key], 'number', key);
  }
  assert.equal(metrics.generatedTokens, 12);
  assert.ok((metrics.cacheBytes as number) > 0);
  const again = await generateJson(['--max-tokens', '12', '--seed', '5', '--temperature', '1']);
  assert.equal(again.text, first.text);
});

test('generate refuses a prompt the budget can never hold, with the error code', async () => {
  await assert.rejects(
    run(process.execPath, [bin, 'generate', '--model', packageDir, '--prompt', 'x '.repeat(4000), '--device', 'cpu', '--budget-mb', '1', '--json']),
    (error: { code?: number; stderr?: string }) => error.code === 1 && /PROMPT_TOO_LONG|BUDGET_TOO_SMALL/.test(error.stderr ?? ''),
  );
});

test('generate rejects bad flags before starting an engine', async () => {
  await assert.rejects(run(process.execPath, [bin, 'generate', '--model', packageDir, '--prompt', 'x', '--device', 'tpu']), (error: { code?: number }) => error.code === 2);
});
