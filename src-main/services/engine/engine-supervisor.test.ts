import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LoadedModelInfo } from '../../contract/domain.ts';
import type { EngineRequest, EngineSettings } from '../../engine/process/protocol.ts';
import type { EngineChannel, EngineMessage } from './engine-channel.ts';
import { EngineSupervisor } from './engine-supervisor.ts';

/** An engine process stand-in: ready at once, loads on the device asked for ('auto' → webgpu), answers other requests, dies on demand. */
class FakeEngine {
  readonly loads: EngineSettings[] = [];
  /** What the engine process itself reports as loaded (it knows nothing of the crash). */
  model: LoadedModelInfo | null = null;
  private exit: ((code: number | null) => void) | null = null;

  readonly factory = (): EngineChannel => {
    let listener: (message: EngineMessage) => void = () => {};
    const channel: EngineChannel = {
      pid: 1,
      send: (request: EngineRequest) => {
        if (request.type === 'status') {
          const value = { model: this.model, settings, busy: false, rssBytes: 0, cache: { globalKv: 0, slidingKv: 0, ssm: 0, conv: 0, meta: 0, total: 0 }, maxContextTokens: 0 };
          queueMicrotask(() => listener({ id: request.id, type: 'result', value }));
          return;
        }
        if (request.type !== 'load') {
          queueMicrotask(() => listener({ id: request.id, type: 'result', value: null }));
          return;
        }
        this.loads.push(request.settings);
        const device = request.settings.device === 'cpu' ? 'cpu' : 'webgpu';
        const info: LoadedModelInfo = { packageDir: request.packageDir, id: 'm', displayName: 'M', kind: 'instruct', weightFormat: 'int4', device, loadMs: 1 };
        this.model = info;
        queueMicrotask(() => listener({ id: request.id, type: 'result', value: info }));
      },
      onMessage: (l) => {
        listener = l;
        queueMicrotask(() => l({ type: 'ready', pid: 1 }));
      },
      onExit: (l) => (this.exit = l),
      kill: () => this.exit?.(null),
    };
    return channel;
  };

  crash(code: number): void {
    this.exit?.(code);
  }
}

const settings: EngineSettings = { device: 'auto', threads: 0, cacheBudgetBytes: 1 << 28 };

test('after the engine dies while running on a GPU, the model reloads on the CPU with the reason, until the device setting changes', async () => {
  const engine = new FakeEngine();
  const supervisor = new EngineSupervisor(engine.factory, settings);
  const first = await supervisor.load('/models/a');
  assert.ok(first.ok);
  assert.equal(first.value.device, 'webgpu');

  const restarted = new Promise((resolve) => supervisor.onDidRestart.event(resolve));
  engine.crash(139);
  const recovered = (await restarted) as Awaited<ReturnType<EngineSupervisor['load']>>;
  assert.ok(recovered.ok);
  assert.equal(recovered.value.device, 'cpu');
  assert.match(recovered.value.fallbackReason ?? '', /stopped while running the model on webgpu \(exit code 139\)/);
  assert.deepEqual(engine.loads.map((s) => s.device), ['auto', 'cpu']);

  const status = await supervisor.status();
  assert.ok(status.ok);
  assert.match(status.value.model?.fallbackReason ?? '', /webgpu/, 'status polls (the dashboard) keep the reason');
  const next = await supervisor.load('/models/b');
  assert.ok(next.ok && next.value.device === 'cpu', 'later loads stay on the CPU');
  await supervisor.configure({ ...settings, device: 'webgpu' });
  const retried = await supervisor.load('/models/b');
  assert.ok(retried.ok);
  assert.equal(retried.value.device, 'webgpu', 'choosing a device again retries the GPU');
  assert.equal(retried.value.fallbackReason, undefined);
  const after = await supervisor.status();
  assert.ok(after.ok);
  assert.equal(after.value.model?.fallbackReason, undefined);
  supervisor.stop();
});

test('a crash on the CPU restarts on the same settings', async () => {
  const engine = new FakeEngine();
  const supervisor = new EngineSupervisor(engine.factory, { ...settings, device: 'cpu' });
  assert.ok((await supervisor.load('/models/a')).ok);
  const restarted = new Promise((resolve) => supervisor.onDidRestart.event(resolve));
  engine.crash(1);
  const recovered = (await restarted) as Awaited<ReturnType<EngineSupervisor['load']>>;
  assert.ok(recovered.ok);
  assert.equal(recovered.value.fallbackReason, undefined);
  supervisor.stop();
});
