import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MetricsSnapshot, ModelSummary } from '../../src-main/contract/ipc.ts';
import { appStore, getSlice, resetAppStore } from './app-store.ts';
import { connectStore } from './api-binding.ts';
import { cancelImport, refreshModels, startImport, askDeleteModel, confirmDeleteModel } from './models-actions.ts';
import { commitBudget, loadSettings, previewBudget, regenerateApiToken, updateApiSettings } from './settings-actions.ts';
import { estimateReceived } from './settings-slice.ts';
import { snapshotReceived, initialDashboardState } from './dashboard-slice.ts';
import { createFakeApi, settingsView, type FakeApi } from './testing/fake-hymba-api.ts';
import { dismissToast, requestSearchFocus, showToast } from './ui-actions.ts';

let fake: FakeApi;
let disconnect: () => void;

function connect(api: FakeApi): void {
  fake = api;
  disconnect = connectStore(fake.api);
}

beforeEach(() => {
  resetAppStore();
  connect(createFakeApi());
});
afterEach(() => disconnect());

const model = (id: string, kind: 'base' | 'instruct', active: boolean): ModelSummary => ({
  id,
  displayName: id,
  kind,
  weightFormat: 'fp32',
  source: 'installed',
  sizeBytes: 1,
  parameters: 1,
  cacheBytesPerToken: 1,
  active,
});

test('models: the active model event moves the active flag and the mode', async () => {
  disconnect();
  connect(createFakeApi({ models: { listModels: async () => ({ ok: true, value: [model('b', 'base', true), model('i', 'instruct', false)] }) } }));
  await refreshModels();
  assert.equal(getSlice('models').list.length, 2);
  fake.emit('models.changed', { modelId: 'i', status: 'ready', loaded: null, mode: 'chat' });
  const models = getSlice('models');
  assert.equal(models.active?.mode, 'chat');
  assert.deepEqual(models.list.map((m) => m.active), [false, true]);
});

test('models: an import streams progress to done; another import id is ignored', async () => {
  await startImport({ sourceDir: '/tmp/x' });
  assert.equal(getSlice('models').importing?.phase, 'validating');
  fake.emit('models.importProgress', { importId: 'imp1', phase: 'converting', fraction: 0.4, message: 'layer 3' });
  fake.emit('models.importProgress', { importId: 'other', phase: 'failed', fraction: 0, message: 'x' });
  assert.equal(getSlice('models').importing?.fraction, 0.4);
  await cancelImport();
  assert.deepEqual(fake.calls.at(-1), { method: 'models.cancelImport', args: [{ importId: 'imp1' }] });
  fake.emit('models.importProgress', { importId: 'imp1', phase: 'done', fraction: 1, message: 'ok', modelId: 'm' });
  assert.equal(getSlice('models').importing?.phase, 'done');
  assert.equal(getSlice('ui').toasts.at(-1)?.kind, 'success');
});

test('models: a broken folder is an import error, failed during the run or refused at the start', async () => {
  await startImport({ sourceDir: '/tmp/broken' });
  fake.emit('models.importProgress', {
    importId: 'imp1',
    phase: 'failed',
    fraction: 0.1,
    message: 'config.json is missing',
    error: { code: 'CHECKPOINT_INVALID', message: 'config.json is missing' },
  });
  assert.equal(getSlice('models').importError?.code, 'CHECKPOINT_INVALID');
  disconnect();
  resetAppStore();
  connect(createFakeApi({ models: { importModel: async () => ({ ok: false, error: { code: 'CHECKPOINT_INVALID', message: 'not a folder' } }) } }));
  await startImport({ sourceDir: '/nope' });
  assert.equal(getSlice('models').importError?.message, 'not a folder');
  assert.equal(getSlice('models').importing, null);
});

test('models: delete needs a confirmation step', async () => {
  await confirmDeleteModel();
  assert.equal(fake.calls.filter((c) => c.method === 'models.deleteModel').length, 0);
  askDeleteModel('m1');
  await confirmDeleteModel();
  assert.deepEqual(fake.calls.find((c) => c.method === 'models.deleteModel')?.args, [{ modelId: 'm1' }]);
  assert.equal(getSlice('models').confirmDeleteId, null);
});

test('settings: the budget preview shows its own estimate and ignores stale answers', async () => {
  await loadSettings();
  assert.equal(getSlice('settings').estimate?.memoryBudgetBytes, 512 * 2 ** 20);
  assert.equal(getSlice('settings').devices.length, 1);
  await previewBudget(256 * 2 ** 20);
  assert.equal(getSlice('settings').estimate?.fitsTokens, (256 * 2 ** 20) / 1000);
  appStore.setState({ settings: estimateReceived(getSlice('settings'), settingsView(999).estimate) });
  assert.equal(getSlice('settings').estimate?.memoryBudgetBytes, 256 * 2 ** 20);
  await commitBudget();
  assert.deepEqual(fake.calls.find((c) => c.method === 'settings.updateSettings')?.args, [{ memoryBudgetBytes: 256 * 2 ** 20 }]);
  assert.equal(getSlice('settings').budgetDraft, null);
  assert.equal(getSlice('settings').view?.settings.memoryBudgetBytes, 256 * 2 ** 20);
});

test('settings: a change pushed by the host is applied', () => {
  fake.emit('settings.changed', settingsView(64 * 2 ** 20));
  assert.equal(getSlice('settings').view?.settings.memoryBudgetBytes, 64 * 2 ** 20);
});

function snapshot(at: number, total: number, contextTokens: number): MetricsSnapshot {
  return {
    at,
    engine: { state: 'generating', pid: 1, rssBytes: 1, cpuPercent: 50, device: 'cpu', restarts: 0 },
    modelId: 'm',
    budgetBytes: 100,
    cache: { globalKv: total, slidingKv: 0, ssm: 0, conv: 0, meta: 0, total },
    contextTokens,
    maxContextTokens: 1000,
    current: null,
    recent: [],
    series: [],
  };
}

test('settings: the API status is loaded, follows host events, and is asked again after an API change', async () => {
  const running = { state: 'running', source: 'settings', host: '127.0.0.1', port: 4321, baseUrl: 'http://127.0.0.1:4321/v1', tokenOverridden: false } as const;
  let answer: typeof running | { readonly state: 'stopped' } = { state: 'stopped' };
  disconnect();
  connect(createFakeApi({ settings: { getApiStatus: async () => ({ ok: true, value: { ...running, ...answer } }) } }));
  await loadSettings();
  assert.equal(getSlice('settings').apiStatus?.state, 'stopped');
  fake.emit('settings.apiStatus', { ...running, state: 'starting', baseUrl: null });
  assert.equal(getSlice('settings').apiStatus?.state, 'starting');
  answer = running;
  assert.equal(await updateApiSettings({ enabled: true, port: 4321 }), true);
  assert.deepEqual(fake.calls.find((c) => c.method === 'settings.updateSettings')?.args, [{ api: { enabled: true, port: 4321 } }]);
  assert.equal(getSlice('settings').apiStatus?.baseUrl, 'http://127.0.0.1:4321/v1');
});

test('settings: a new API token replaces the shown one and is announced', async () => {
  const renewed = settingsView();
  disconnect();
  connect(createFakeApi({ settings: { regenerateApiToken: async () => ({ ok: true, value: { ...renewed, settings: { ...renewed.settings, api: { ...renewed.settings.api, token: 'renewed-token-0123456789' } } } }) } }));
  await loadSettings();
  await regenerateApiToken();
  assert.equal(getSlice('settings').view?.settings.api.token, 'renewed-token-0123456789');
  assert.ok(fake.calls.some((c) => c.method === 'settings.getApiStatus'));
  assert.equal(getSlice('ui').toasts.at(-1)?.kind, 'success');
});

test('dashboard: ticks build the cache history and old snapshots are ignored', () => {
  fake.emit('metrics.tick', snapshot(1000, 10, 130));
  fake.emit('metrics.tick', snapshot(2000, 20, 140));
  fake.emit('metrics.tick', snapshot(1500, 99, 999));
  const dashboard = getSlice('dashboard');
  assert.equal(dashboard.snapshot?.at, 2000);
  assert.deepEqual(dashboard.cacheHistory, [{ t: 1000, v: 10 }, { t: 2000, v: 20 }]);
  assert.deepEqual(dashboard.contextHistory.map((p) => p.v), [130, 140]);
  const far = snapshotReceived(dashboard, snapshot(1_000_000, 5, 1));
  assert.deepEqual(far.cacheHistory, [{ t: 1_000_000, v: 5 }]);
  assert.deepEqual(initialDashboardState().cacheHistory, []);
});

test('ui: toasts are capped, dismissable, and Ctrl+K focus requests switch to chat', () => {
  appStore.setState({ ui: { ...getSlice('ui'), view: 'settings' } });
  const ids = [1, 2, 3, 4, 5].map((n) => showToast({ kind: 'info', message: `t${n}`, timeoutMs: 0 }));
  assert.equal(getSlice('ui').toasts.length, 4);
  dismissToast(ids[4] ?? 0);
  assert.deepEqual(getSlice('ui').toasts.map((t) => t.message), ['t2', 't3', 't4']);
  requestSearchFocus();
  assert.equal(getSlice('ui').view, 'chat');
  assert.equal(getSlice('ui').searchFocusRequest, 1);
});

test('resetting the store gives each test a clean state', () => {
  assert.equal(getSlice('chat').conversations.length, 0);
  assert.equal(getSlice('ui').toasts.length, 0);
});
