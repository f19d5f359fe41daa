import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tinyPackage } from '../../engine/runtime/test-package.ts';

const bin = fileURLToPath(new URL('../../../bin/hymba.mjs', import.meta.url));

test('chat streams replies, keeps the conversation for the next turn, and answers /stats and /reset', async () => {
  const packageDir = await tinyPackage();
  const child = spawn(process.execPath, [bin, 'chat', '--model', packageDir, '--device', 'cpu', '--threads', '1', '--max-tokens', '5', '--temperature', '0'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stdin.end('Hello there\nAnd then?\n/stats\n/reset\n/exit\n');
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 0);
  assert.match(stdout, /last reply: \d+ prompt tokens \((\d+) reused from a snapshot\), 5 generated/);
  const reused = Number(/\((\d+) reused from a snapshot\)/.exec(stdout)![1]);
  assert.ok(reused > 0, 'the second turn resumes from the first turn’s snapshot');
  assert.match(stdout, /cache [\d.]+ MB: global KV/);
  assert.match(stdout, /\(conversation cleared\)/);
});
