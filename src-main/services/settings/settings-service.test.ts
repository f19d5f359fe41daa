import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { confSettingsBackend, openSettingsBackend } from './settings-backend.ts';
import { SettingsService } from './settings-service.ts';
import { SETTINGS_VERSION } from './settings-schema.ts';
import { DEFAULT_MEMORY_BUDGET_BYTES } from '../../contract/ipc.ts';
import { DEFAULT_API_PORT } from '../../contract/api-connection.ts';

function withDir(run: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'hymba-settings-'));
  try {
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const open = (dir: string) => new SettingsService(openSettingsBackend(dir, confSettingsBackend).backend, dir);

test('a fresh folder reads the defaults and records the format version', () => {
  withDir((dir) => {
    const service = open(dir);
    const settings = service.current();
    assert.equal(settings.memoryBudgetBytes, DEFAULT_MEMORY_BUDGET_BYTES);
    assert.equal(settings.theme, 'system');
    assert.equal(settings.dataDir, dir);
    assert.equal(settings.activeModelId, null);
    service.update({ theme: 'dark' });
    const file = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'));
    assert.equal(file.__internal__.migrations.version, SETTINGS_VERSION);
  });
});

test('settings survive a restart (a new service on the same folder)', () => {
  withDir((dir) => {
    const first = open(dir);
    const seen: number[] = [];
    first.onDidChange.event((view) => seen.push(view.settings.memoryBudgetBytes));
    const result = first.update({ memoryBudgetBytes: 256 * 2 ** 20, theme: 'light', defaultSampling: { temperature: 0.2 }, threads: 3 });
    assert.equal(result.ok, true);
    assert.deepEqual(seen, [256 * 2 ** 20]);
    const second = open(dir).current();
    assert.equal(second.memoryBudgetBytes, 256 * 2 ** 20);
    assert.equal(second.theme, 'light');
    assert.equal(second.threads, 3);
    assert.equal(second.defaultSampling.temperature, 0.2);
    assert.equal(second.defaultSampling.topK, 40, 'untouched sampling keys keep their defaults');
  });
});

test('a default seed can be set and cleared again (seed: null)', () => {
  withDir((dir) => {
    const service = open(dir);
    assert.equal(service.update({ defaultSampling: { seed: 1234 } }).ok, true);
    assert.equal(open(dir).current().defaultSampling.seed, 1234);
    const cleared = service.update({ defaultSampling: { seed: null } });
    assert.equal(cleared.ok, true);
    const reopened = open(dir).current().defaultSampling;
    assert.equal('seed' in reopened, false);
    assert.equal(reopened.topK, 40);
  });
});

test('invalid updates are rejected and change nothing', () => {
  withDir((dir) => {
    const service = open(dir);
    const bad = service.update({ memoryBudgetBytes: -1 });
    assert.equal(bad.ok, false);
    assert.equal(bad.ok ? '' : bad.error.code, 'BAD_REQUEST');
    assert.equal(service.update({ dataDir: 'relative/path' }).ok, false);
    assert.equal(service.current().memoryBudgetBytes, DEFAULT_MEMORY_BUDGET_BYTES);
  });
});

test('changing the data folder is saved but only applies after a restart', () => {
  withDir((dir) => {
    const service = open(dir);
    const other = join(dir, 'elsewhere');
    const view = service.update({ dataDir: other });
    assert.equal(view.ok && view.value.restartRequired, true);
    assert.equal(service.dataDir, dir);
    assert.equal(open(dir).dataDir, other);
  });
});

test('a 1.0.0 file is migrated: MiB budget to bytes, theme auto to system', () => {
  withDir((dir) => {
    const old = { cacheBudgetMiB: 300, theme: 'auto', threads: 2, __internal__: { migrations: { version: '1.0.0' } } };
    writeFileSync(join(dir, 'settings.json'), JSON.stringify(old));
    const settings = open(dir).current();
    assert.equal(settings.memoryBudgetBytes, 300 * 2 ** 20);
    assert.equal(settings.theme, 'system');
    assert.equal(settings.threads, 2);
    const file = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'));
    assert.equal(file.cacheBudgetMiB, undefined);
    assert.equal(file.__internal__.migrations.version, SETTINGS_VERSION);
  });
});

test('the API is off by default on 127.0.0.1:8737; its token is made once at first start and kept', () => {
  withDir((dir) => {
    const first = open(dir).current().api;
    assert.deepEqual({ ...first, token: '' }, { enabled: false, host: '127.0.0.1', port: DEFAULT_API_PORT, token: '' });
    assert.match(first.token, /^[A-Za-z0-9_-]{32}$/);
    assert.equal(open(dir).current().api.token, first.token, 'the next start keeps it');
    const service = open(dir);
    assert.equal(service.update({ api: { enabled: true, port: 9001 } }).ok, true);
    const renewed = service.regenerateApiToken();
    assert.ok(renewed.ok);
    assert.notEqual(renewed.value.settings.api.token, first.token);
    assert.deepEqual(open(dir).current().api, { enabled: true, host: '127.0.0.1', port: 9001, token: renewed.value.settings.api.token });
  });
});

test('a 1.1.0 file is migrated to 1.2.0: it gets the API block, off, with a new token; other keys stay', () => {
  withDir((dir) => {
    const old = { theme: 'dark', threads: 4, __internal__: { migrations: { version: '1.1.0' } } };
    writeFileSync(join(dir, 'settings.json'), JSON.stringify(old));
    const settings = open(dir).current();
    assert.equal(settings.theme, 'dark');
    assert.equal(settings.threads, 4);
    assert.equal(settings.api.enabled, false);
    assert.equal(settings.api.port, DEFAULT_API_PORT);
    const file = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'));
    assert.equal(file.__internal__.migrations.version, '1.2.0');
    assert.match(file.api.token, /^[A-Za-z0-9_-]{32}$/, 'the migration wrote the token');
    assert.equal(file.api.token, settings.api.token);
  });
});

test('a partial or hand-edited API block keeps its good values (the token survives a bad host)', () => {
  withDir((dir) => {
    const token = 'hand-written-token-0123456789';
    const write = (api: object) => writeFileSync(join(dir, 'settings.json'), JSON.stringify({ api, __internal__: { migrations: { version: '1.2.0' } } }));
    write({ enabled: true, token });
    assert.deepEqual(open(dir).current().api, { enabled: true, host: '127.0.0.1', port: DEFAULT_API_PORT, token });
    write({ enabled: true, host: 'not a host!', port: 80, token });
    assert.deepEqual(open(dir).current().api, { enabled: true, host: '127.0.0.1', port: 80, token });
    write({ enabled: true, host: '0.0.0.0', port: 80, token });
    assert.equal(open(dir).current().api.host, '0.0.0.0', 'a host the user chose on purpose is kept');
  });
});

test('an unreadable settings file is moved aside and the defaults load', () => {
  withDir((dir) => {
    writeFileSync(join(dir, 'settings.json'), '{ not json');
    const opened = openSettingsBackend(dir, confSettingsBackend);
    assert.ok(opened.quarantined);
    assert.ok(readdirSync(dir).some((name) => name.startsWith('settings.json.corrupt-')));
    assert.equal(new SettingsService(opened.backend, dir).current().theme, 'system');
  });
});
