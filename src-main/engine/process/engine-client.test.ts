import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SAMPLING } from '../../contract/domain.ts';
import { EngineClient } from './engine-client.ts';
import { nodeEngineLauncher } from './engine-launcher.ts';
import type { EngineStatus } from './protocol.ts';

const settings = { device: 'cpu' as const, threads: 1, cacheBudgetBytes: 64 * 2 ** 20 };

test('the engine process answers requests as data, and a crash is reported to pending requests and recovered', async () => {
  const client = new EngineClient(nodeEngineLauncher());
  try {
    await client.start();
    const firstPid = client.pid;
    assert.ok(firstPid);

    const status = await client.status();
    assert.ok(status.ok);
    assert.equal((status.value as EngineStatus).model, null);

    const missing = await client.load('/nonexistent/package', settings);
    assert.equal(!missing.ok && missing.error.code, 'MODEL_NOT_FOUND');

    const noModel = await client.generate({ mode: 'completion', prompt: 'hi' }, DEFAULT_SAMPLING).result;
    assert.equal(!noModel.ok && noModel.error.code, 'MODEL_NOT_FOUND');

    const bad = await client.generate({ mode: 'completion', prompt: 'hi' }, { ...DEFAULT_SAMPLING, maxTokens: 0 }).result;
    assert.equal(!bad.ok && bad.error.code, 'BAD_REQUEST');

    const devices = await client.devices();
    assert.ok(devices.ok);
    assert.equal(devices.value.find((d) => d.device === 'cpu')?.available, true);

    const crashes: string[] = [];
    client.onDidCrash((error) => crashes.push(error.code));
    const pending = client.devices(); // in flight when the process dies (or queued right behind the kill)
    process.kill(firstPid, 'SIGKILL');
    const lost = await pending;
    if (!lost.ok) assert.equal(lost.error.code, 'ENGINE_CRASHED');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(crashes, ['ENGINE_CRASHED']);

    const restarted = await client.restart();
    assert.ok(restarted.ok);
    assert.equal(restarted.value, null);
    assert.notEqual(client.pid, firstPid);
    const again = await client.status();
    assert.ok(again.ok);
  } finally {
    await client.stop();
  }
});
