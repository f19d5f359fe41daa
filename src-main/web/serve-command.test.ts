/**
 * `hymba serve` as a user runs it: one stdout line with the address and token, a working bridge behind it,
 * a clean exit on SIGTERM, and usage errors for bad flags.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(repo, 'bin', 'hymba.mjs');

test('serve prints exactly one line with a tokenized 127.0.0.1 URL and answers API calls', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hymba-serve-'));
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data-dir', dataDir], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('\n')) resolve(stdout.split('\n')[0] as string);
      });
      void exited.then((code) => reject(new Error(`serve exited early (${code}): ${stderr}`)));
    });
    const match = /^Hymba Desk: http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]{20,})$/.exec(line);
    assert.ok(match, line);
    const [, port, token] = match;
    const invoke = (method: string) =>
      fetch(`http://127.0.0.1:${port}/api/invoke`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify({ method, args: [] }) });
    const info = (await (await invoke('settings.getAppInfo')).json()) as { ok: boolean; value: { host: string; dataDir: string } };
    assert.deepEqual([info.ok, info.value.host, info.value.dataDir], [true, 'browser', dataDir]);
    const active = (await (await invoke('models.getActiveModel')).json()) as { value: { status: string } };
    const modelsDir = join(repo, 'assets', 'models');
    const embedded = existsSync(modelsDir) ? readdirSync(modelsDir).filter((name) => existsSync(join(modelsDir, name, 'manifest.json'))) : [];
    if (embedded.length === 0) {
      assert.equal(active.value.status, 'none');
      assert.match(stderr, /starting with no model/);
    } else assert.equal(active.value.status, 'ready', stderr);
    const page = await fetch(`http://127.0.0.1:${port}/`);
    assert.equal(page.status, 200);
  } finally {
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.equal(stdout.trim().split('\n').length, 1, 'exactly one stdout line');
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('bad flags are usage errors', () => {
  const badPort = spawnSync(process.execPath, [bin, 'serve', '--port', 'abc'], { cwd: repo, encoding: 'utf8' });
  assert.equal(badPort.status, 2);
  assert.match(badPort.stderr, /--port must be an integer/);
  const unknown = spawnSync(process.execPath, [bin, 'serve', '--prot', '1'], { cwd: repo, encoding: 'utf8' });
  assert.equal(unknown.status, 2);
});

test('serve --api --model <pkg> starts that model and prints the OpenAI API line; the API needs the token', async () => {
  const { tinyPackage } = await import('../engine/runtime/test-package.ts');
  const pkg = await tinyPackage();
  const dataDir = mkdtempSync(join(tmpdir(), 'hymba-serve-api-'));
  const args = [bin, 'serve', '--port', '0', '--data-dir', dataDir, '--model', pkg, '--api', '--api-port', '0', '--api-token', 'test-token-123'];
  const child = spawn(process.execPath, args, { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const apiLine = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const line = stdout.split('\n').find((l) => l.startsWith('OpenAI API: '));
        if (line) resolve(line);
      });
      void exited.then((code) => reject(new Error(`serve exited early (${code}): ${stderr}`)));
    });
    const match = /^OpenAI API: (http:\/\/127\.0\.0\.1:\d+\/v1)$/.exec(apiLine);
    assert.ok(match, apiLine);
    const base = match[1] as string;
    assert.equal((await fetch(`${base}/models`)).status, 401);
    const models = (await (await fetch(`${base}/models`, { headers: { Authorization: 'Bearer test-token-123' } })).json()) as { data: { id: string; kind: string }[] };
    const chosen = (JSON.parse(readFileSync(join(pkg, 'manifest.json'), 'utf8')) as { id: string }).id;
    assert.equal(models.data.find((m) => m.id === chosen)?.kind, 'instruct', 'the --model package is listed (beside any embedded ones)');
  } finally {
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.deepEqual(stdout.trim().split('\n').map((l) => l.split(':')[0]), ['Hymba Desk', 'OpenAI API']);
    rmSync(dataDir, { recursive: true, force: true });
  }
});
