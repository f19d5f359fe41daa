import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { requestedDataDir } from './data-dir.ts';

test('--user-data-dir in either form wins over HYMBA_DATA_DIR; relative paths become absolute', () => {
  const env = { HYMBA_DATA_DIR: '/from/env' };
  assert.equal(requestedDataDir(['electron', '.', '--user-data-dir=/tmp/hymba a'], env), '/tmp/hymba a');
  assert.equal(requestedDataDir(['electron', '.', '--user-data-dir', 'rel/dir'], env), resolve('rel/dir'));
  assert.equal(requestedDataDir(['electron', '.'], env), '/from/env');
});

test('nothing requested (or an empty value) keeps the default', () => {
  assert.equal(requestedDataDir(['electron', '.'], {}), null);
  assert.equal(requestedDataDir(['electron', '--user-data-dir='], { HYMBA_DATA_DIR: ' ' }), null);
  assert.equal(requestedDataDir(['electron', '--user-data-dir', '--inspect'], {}), null);
});
