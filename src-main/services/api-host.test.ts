/**
 * ApiHost: the local API server follows the settings. First with a recording stand-in server (order of
 * starts and stops, errors, the command-line override), then on AppServices with the real OpenAI server
 * (src-main/api): enabling in Settings serves /v1/models behind the token, disabling stops it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiServerStatus, ApiSettings } from '../contract/api-types.ts';
import { appError, err, ok, type Result } from '../contract/errors.ts';
import { servicesApiServerStarter, startApiForServices } from '../api/services-backend.ts';
import { ApiHost, type ApiEndpoint, type ApiServerHandle } from './api-host.ts';
import { AppServices } from './app-services.ts';
import { forkEngineChannel } from './engine/engine-channel.ts';
import { confSettingsBackend } from './settings/settings-backend.ts';

/** A stand-in server factory that records every start and close; ports listed in `busy` fail. */
function recordingStarter() {
  const log: string[] = [];
  const busy = new Set<number>();
  let nextPort = 5000;
  const start = async (endpoint: ApiEndpoint): Promise<Result<ApiServerHandle>> => {
    if (busy.has(endpoint.port)) {
      log.push(`refused ${endpoint.port}`);
      return err(appError('IO_ERROR', `port ${endpoint.port} is already in use`, { code: 'EADDRINUSE' }));
    }
    const port = endpoint.port === 0 ? nextPort++ : endpoint.port;
    log.push(`start ${endpoint.host}:${port} ${endpoint.token}`);
    return ok({ port, close: async () => void log.push(`close ${port}`) });
  };
  return { log, busy, start };
}

function hostWith(settings: ApiSettings) {
  const starter = recordingStarter();
  let current = settings;
  const host = new ApiHost(() => current, starter.start);
  const states: string[] = [];
  host.onDidChangeStatus.event((status) => states.push(status.state));
  return { host, starter, states, set: (patch: Partial<ApiSettings>) => (current = { ...current, ...patch }) };
}

const OFF: ApiSettings = { enabled: false, host: '127.0.0.1', port: 8737, token: 'settings-token-0123456789' };

test('the server follows enabled, port and token; an unchanged setting restarts nothing', async () => {
  const { host, starter, states, set } = hostWith(OFF);
  assert.equal((await host.apply()).state, 'stopped');
  assert.deepEqual(starter.log, []);
  set({ enabled: true });
  const running = await host.apply();
  assert.equal(running.state, 'running');
  assert.equal(running.baseUrl, 'http://127.0.0.1:8737/v1');
  await host.apply();
  set({ port: 9000 });
  await host.apply();
  set({ token: 'another-token-0123456789' });
  await host.apply();
  set({ enabled: false });
  assert.equal((await host.apply()).state, 'stopped');
  assert.deepEqual(starter.log, [
    'start 127.0.0.1:8737 settings-token-0123456789',
    'close 8737',
    'start 127.0.0.1:9000 settings-token-0123456789',
    'close 9000',
    'start 127.0.0.1:9000 another-token-0123456789',
    'close 9000',
  ]);
  assert.deepEqual(states, ['starting', 'running', 'starting', 'running', 'starting', 'running', 'stopped'], 'a restart goes straight to starting');
});

test('changes made in quick succession are applied in order and leave one server', async () => {
  const { host, starter, set } = hostWith({ ...OFF, enabled: true });
  const first = host.apply();
  set({ port: 0 });
  const second = host.apply();
  set({ enabled: false });
  const third = host.apply();
  set({ enabled: true });
  const last = await host.apply();
  await Promise.all([first, second, third]);
  assert.equal(last.state, 'running');
  assert.equal(starter.log.filter((line) => line.startsWith('start')).length - starter.log.filter((line) => line.startsWith('close')).length, 1);
});

test('a busy port is an error status with the reason; a new port recovers', async () => {
  const { host, starter, set } = hostWith({ ...OFF, enabled: true });
  starter.busy.add(8737);
  const failed = await host.apply();
  assert.equal(failed.state, 'error');
  assert.equal(failed.error?.code, 'IO_ERROR');
  assert.match(failed.error?.message ?? '', /already in use/);
  assert.equal(failed.baseUrl, null);
  set({ port: 8738 });
  assert.equal((await host.apply()).state, 'running');
});

test('a command-line override runs the server while disabled in Settings; its values win, the rest follow Settings', async () => {
  const { host, starter, set } = hostWith(OFF);
  const status = await host.overrideForRun({ port: 7000, token: 'cli-token' });
  assert.deepEqual(
    { state: status.state, source: status.source, port: status.port, tokenOverridden: status.tokenOverridden },
    { state: 'running', source: 'command-line', port: 7000, tokenOverridden: true },
  );
  set({ port: 9999, enabled: false });
  await host.apply();
  set({ host: '::1' });
  await host.apply();
  assert.deepEqual(starter.log, ['start 127.0.0.1:7000 cli-token', 'close 7000', 'start ::1:7000 cli-token']);
  await host.dispose();
  set({ enabled: true });
  assert.equal((await host.apply()).state, 'stopped', 'nothing starts after dispose');
  assert.equal(starter.log.at(-1), 'close 7000');
});

test('a host without a server factory reports that it cannot run the API', async () => {
  const host = new ApiHost(() => ({ ...OFF, enabled: true }), undefined);
  const status = await host.apply();
  assert.equal(status.state, 'error');
  assert.match(status.error?.message ?? '', /cannot run/);
});

// ---------------------------------------------------------------- on the app services, real server

const root = mkdtempSync(join(tmpdir(), 'hymba-api-host-'));
let services: AppServices;

before(() => {
  mkdirSync(join(root, 'embedded'));
  services = new AppServices({
    host: 'browser',
    version: 'test',
    configDir: join(root, 'data'),
    embeddedModelsDir: join(root, 'embedded'),
    engineChannel: forkEngineChannel(),
    settingsBackend: confSettingsBackend,
    apiServer: servicesApiServerStarter,
  });
});

after(async () => {
  await services?.dispose();
  rmSync(root, { recursive: true, force: true });
});

function value<T>(result: Result<T>): T {
  assert.ok(result.ok, JSON.stringify(!result.ok && result.error));
  return result.value;
}

const models = (baseUrl: string, token?: string) => fetch(`${baseUrl}/models`, token ? { headers: { Authorization: `Bearer ${token}` } } : {});

test('enabling the API in Settings serves /v1/models behind the token; a new token replaces the old; disabling stops it', async () => {
  const initial = value(await services.api.settings.getSettings()).settings.api;
  assert.equal(initial.enabled, false, 'off by default');
  assert.equal(initial.host, '127.0.0.1');
  assert.ok(initial.token.length >= 32, 'a token was generated at first start');
  assert.equal(value(await services.api.settings.getApiStatus()).state, 'stopped');

  const seen: ApiServerStatus[] = [];
  const unsubscribe = services.api.settings.onDidChangeApiStatus((status) => seen.push(status));
  value(await services.api.settings.updateSettings({ api: { enabled: true, port: 0 } }));
  const running = value(await services.api.settings.getApiStatus());
  assert.equal(running.state, 'running');
  assert.ok(running.baseUrl && running.port > 0);
  assert.deepEqual(seen.map((s) => s.state), ['starting', 'running']);
  const baseUrl = running.baseUrl;

  assert.equal((await models(baseUrl)).status, 401);
  assert.equal((await models(baseUrl, 'wrong-token-0123456789')).status, 401);
  const listed = await models(baseUrl, initial.token);
  assert.equal(listed.status, 200);
  assert.equal(((await listed.json()) as { object: string }).object, 'list');

  const renewed = value(await services.api.settings.regenerateApiToken()).settings.api.token;
  assert.notEqual(renewed, initial.token);
  const restarted = value(await services.api.settings.getApiStatus());
  assert.equal(restarted.state, 'running');
  assert.equal((await models(restarted.baseUrl!, initial.token)).status, 401);
  assert.equal((await models(restarted.baseUrl!, renewed)).status, 200);

  value(await services.api.settings.updateSettings({ api: { enabled: false } }));
  assert.equal(value(await services.api.settings.getApiStatus()).state, 'stopped');
  await assert.rejects(models(restarted.baseUrl!, renewed), 'nothing listens any more');
  assert.equal(seen.at(-1)?.state, 'stopped');
  unsubscribe();
});

test('a port in use shows as an error status, and the settings are still saved', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  try {
    const view = value(await services.api.settings.updateSettings({ api: { enabled: true, port } }));
    assert.equal(view.settings.api.port, port);
    const status = value(await services.api.settings.getApiStatus());
    assert.equal(status.state, 'error');
    assert.equal(status.error?.code, 'IO_ERROR');
    assert.match(status.error?.message ?? '', /already in use/);
  } finally {
    blocker.close();
    value(await services.api.settings.updateSettings({ api: { enabled: false, port: 0 } }));
  }
});

test('API settings are validated: short tokens, odd hosts and bad ports are refused', async () => {
  for (const api of [{ token: 'short' }, { token: "has'quote-0123456789" }, { port: 70000 }, { host: 'a b' }]) {
    const result = await services.api.settings.updateSettings({ api });
    assert.equal(result.ok ? 'ok' : result.error.code, 'BAD_REQUEST', JSON.stringify(api));
  }
});

test('hymba serve --api flags override the settings for the run; close() stops the API for good (runs last)', async () => {
  const settingsToken = value(await services.api.settings.getSettings()).settings.api.token;
  value(await services.api.settings.updateSettings({ api: { enabled: true, port: 0 } }));
  const fromSettings = value(await services.api.settings.getApiStatus());
  assert.equal(fromSettings.source, 'settings');
  const lines: string[] = [];
  assert.deepEqual(await startApiForServices({ 'api-port': '0' }, services, (line) => lines.push(line), {}), { ok: true, value: null }, 'no --api: the settings decide');
  assert.equal(value(await services.api.settings.getApiStatus()).state, 'running');

  const run = value(await startApiForServices({ api: true, 'api-token': 'cli-token-0123456789' }, services, (line) => lines.push(line), {}));
  assert.ok(run);
  assert.deepEqual(lines, [`OpenAI API: ${run.baseUrl}`], 'one line, and never a token');
  const status = value(await services.api.settings.getApiStatus());
  assert.deepEqual([status.state, status.source, status.tokenOverridden, status.baseUrl], ['running', 'command-line', true, run.baseUrl]);
  assert.equal((await models(run.baseUrl, settingsToken)).status, 401, 'the --api-token replaces the Settings token for this run');
  assert.equal((await models(run.baseUrl, 'cli-token-0123456789')).status, 200);
  value(await services.api.settings.updateSettings({ api: { enabled: false } }));
  assert.equal(value(await services.api.settings.getApiStatus()).state, 'running', '--api keeps it on while Settings say off');

  await run.close();
  assert.equal(value(await services.api.settings.getApiStatus()).state, 'stopped');
  value(await services.api.settings.updateSettings({ api: { enabled: true } }));
  assert.equal(value(await services.api.settings.getApiStatus()).state, 'stopped', 'closed for the rest of the run');
});
