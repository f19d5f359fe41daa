import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { command } from './info.ts';

const hfDir = fileURLToPath(new URL('../../../../shared/fixtures/hymba-1.5b-files/', import.meta.url));

async function runJson(args: string[]): Promise<{ code: number; out: Record<string, unknown> }> {
  const log = mock.method(console, 'log', () => undefined);
  try {
    const code = await command.run(args);
    const text = log.mock.calls.map((c) => String(c.arguments[0])).join('\n');
    return { code, out: JSON.parse(text) as Record<string, unknown> };
  } finally {
    log.mock.restore();
  }
}

for (const [context, total] of [
  [1024, 41_697_280],
  [4096, 59_392_000],
  [8192, 82_984_960],
  [32768, 224_542_720],
] as const) {
  test(`info --json on the bare 1.5B HF folder at --context ${context} equals the §7 formula`, async () => {
    const { code, out } = await runJson(['--model', hfDir, '--context', String(context), '--json']);
    assert.equal(code, 0);
    const cache = out.cache as Record<string, unknown>;
    assert.equal(cache.totalBytes, total);
    assert.equal(cache.kvBytesPerToken, 5760);
    assert.equal(cache.kvDtype, 'float16');
    assert.deepEqual(cache.byCategory, { globalKv: 5760 * (context + 128), slidingKv: 30_965_760, ssm: 3_276_800, conv: 819_200, meta: 17 * 1920 * 128 });
  });
}

test('info --budget-mb reports the largest context that fits', async () => {
  const { out } = await runJson(['--model', hfDir, '--budget-mb', '80', '--json']);
  // 80 MiB = 83,886,080 B; fixed part 35,061,760 B + 5760 B per position beyond the window.
  const expected = Math.floor((80 * 2 ** 20 - 30_965_760 - 4_096_000) / 5760) - 128;
  assert.equal(out.maxContext, expected);
});

test('info refuses a missing model folder with a message', async () => {
  const error = mock.method(console, 'error', () => undefined);
  try {
    assert.equal(await command.run(['--model', '/nonexistent', '--json']), 2);
    assert.match(String(error.mock.calls[0]?.arguments[0]), /MODEL_NOT_FOUND|CONFIG_INVALID/);
  } finally {
    error.mock.restore();
  }
});
