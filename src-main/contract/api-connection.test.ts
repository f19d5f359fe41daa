import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { apiBaseUrl, apiConnectionInfo } from './api-connection.ts';

test('the base URL dials loopback for wildcard binds', () => {
  assert.equal(apiBaseUrl('127.0.0.1', 8737), 'http://127.0.0.1:8737/v1');
  assert.equal(apiBaseUrl('0.0.0.0', 9000), 'http://127.0.0.1:9000/v1');
  assert.equal(apiBaseUrl('::', 9000), 'http://[::1]:9000/v1');
  assert.equal(apiBaseUrl('::1', 9000), 'http://[::1]:9000/v1');
});

test('the curl example is one shell command whose arguments carry the token and a valid body', () => {
  const info = apiConnectionInfo({ host: '127.0.0.1', port: 8737, token: "to'ken", modelId: 'hymba-chat', modelKind: 'instruct' });
  assert.equal(info.baseUrl, 'http://127.0.0.1:8737/v1');
  // Let a real shell split the command, as a user pasting it would.
  const args = execFileSync('sh', ['-c', `set -- ${info.curlExample.replace(/^curl /, '')}; printf '%s\\0' "$@"`], { encoding: 'utf8' })
    .split('\0')
    .filter((a) => a.length > 0);
  assert.equal(args[0], 'http://127.0.0.1:8737/v1/chat/completions');
  assert.ok(args.includes("Authorization: Bearer to'ken"));
  const body = JSON.parse(args[args.indexOf('-d') + 1] ?? '') as { model: string; messages: unknown[] };
  assert.equal(body.model, 'hymba-chat');
  assert.equal(body.messages.length, 1);
  const base = apiConnectionInfo({ host: '127.0.0.1', port: 1, token: 't', modelKind: 'base' });
  assert.match(base.curlExample, /\/v1\/completions /);
  assert.match(base.curlExample, /"prompt"/);
});
