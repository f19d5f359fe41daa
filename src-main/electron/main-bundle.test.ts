/**
 * No Electron binary can run here, so this checks the built main bundle the next best way: it is loaded
 * in Node with a recording stand-in for the `electron` module, and must register the app:// scheme,
 * serve the renderer, wire one IPC handler per contract method and open one secured window.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_METHOD_NAMES, IPC_CHANNELS } from '../contract/ipc.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));

/** CommonJS preload for the child: replaces `electron` with stubs that record what main does. */
const STAND_IN = String.raw`
const Module = require('node:module');
const record = [];
const anything = new Proxy(function () {}, { get: (_t, k) => (k === 'then' ? undefined : anything), apply: () => anything });
const fake = {
  app: { isPackaged: false, getPath: () => process.env.HYMBA_TEST_USERDATA, setPath: (name, path) => record.push('setPath:' + name + '=' + path), getVersion: () => '0.0.0', requestSingleInstanceLock: () => true,
         quit: () => record.push('quit'), on: (e) => record.push('app.on:' + e), whenReady: () => Promise.resolve() },
  BrowserWindow: Object.assign(function (options) { record.push('window:' + JSON.stringify(options.webPreferences)); return anything; }, { getAllWindows: () => [] }),
  protocol: { registerSchemesAsPrivileged: (s) => record.push('scheme:' + s[0].scheme), handle: (s) => record.push('protocol.handle:' + s) },
  ipcMain: { handle: (c) => record.push('ipc:' + c), removeHandler: () => {}, on: () => {}, once: () => {} },
  utilityProcess: { fork: () => { throw new Error('no engine in this test'); } },
  net: anything, shell: anything,
};
Module._load = ((load) => function (request, ...rest) { return request === 'electron' ? fake : load.call(this, request, ...rest); })(Module._load);
process.on('exit', () => process.stdout.write(JSON.stringify(record)));
`;

test('the Electron main bundle wires every contract method and opens one secured window', () => {
  const work = mkdtempSync(join(tmpdir(), 'hymba-electron-bundle-'));
  try {
    const built = spawnSync(process.execPath, [join(repo, 'scripts', 'build.mjs'), '--electron-only', '--out', join(work, 'dist')], { cwd: repo, encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    writeFileSync(join(work, 'stand-in.cjs'), STAND_IN);
    const run = spawnSync(process.execPath, ['--require', join(work, 'stand-in.cjs'), join(work, 'dist', 'electron', 'main.js')], {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, HYMBA_TEST_USERDATA: join(work, 'userdata'), HYMBA_DATA_DIR: join(work, 'chosen') },
      timeout: 60_000,
    });
    assert.equal(run.status, 0, run.stderr);
    const record = JSON.parse(run.stdout) as string[];
    assert.deepEqual(record.filter((r) => r.startsWith('ipc:')).sort(), API_METHOD_NAMES.map((m) => `ipc:${IPC_CHANNELS.invoke(m)}`).sort());
    assert.ok(record.includes('scheme:app') && record.includes('protocol.handle:app'));
    assert.ok(record.includes(`setPath:userData=${join(work, 'chosen')}`), 'HYMBA_DATA_DIR becomes the userData folder');
    const windows = record.filter((r) => r.startsWith('window:'));
    assert.equal(windows.length, 1);
    const preferences = JSON.parse(windows[0]!.slice('window:'.length)) as Record<string, unknown>;
    assert.equal(preferences.contextIsolation, true);
    assert.equal(preferences.sandbox, true);
    assert.equal(preferences.nodeIntegration, false);
    assert.match(String(preferences.preload), /preload\.cjs$/);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
