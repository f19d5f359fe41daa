import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { ok } from '../contract/errors.ts';
import type { HymbaApi, MetricsSnapshot } from '../contract/ipc.ts';
import { Emitter } from '../services/emitter.ts';
import { startBridgeServer, type RunningBridge } from './bridge-server.ts';
import { tokenMatches } from './launch-token.ts';

const TOKEN = 'test-token-123';
const ticks = new Emitter<MetricsSnapshot>();
const calls: unknown[] = [];
/** Only what these tests call; the bridge subscribes to every event, so each subscriber exists. */
const api = new Proxy(
  {
    chat: new Proxy({ getConversation: async (r: unknown) => (calls.push(r), ok({ id: 'c1' })) }, { get: (t, k) => (t as Record<string | symbol, unknown>)[k] ?? (() => () => undefined) }),
    metrics: { getSnapshot: async () => ok({ at: 1 }), onDidTick: ticks.event },
  },
  { get: (t, k) => (t as Record<string | symbol, unknown>)[k] ?? new Proxy({}, { get: () => () => () => undefined }) },
) as unknown as HymbaApi;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(bridge: RunningBridge, options: { method?: string; path: string; headers?: Record<string, string>; body?: string; untilText?: string }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: bridge.port, method: options.method ?? 'GET', path: options.path, headers: options.headers ?? {} }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
        if (options.untilText && body.includes(options.untilText)) {
          res.destroy();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        }
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const invoke = (bridge: RunningBridge, body: string, headers: Record<string, string> = {}) =>
  call(bridge, { method: 'POST', path: '/api/invoke', body, headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}`, ...headers } });

async function withBridge(run: (bridge: RunningBridge) => Promise<void>): Promise<void> {
  const rendererDir = mkdtempSync(join(tmpdir(), 'hymba-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Hymba</title>');
  const bridge = await startBridgeServer({ api, token: TOKEN, rendererDir, port: 0 });
  try {
    await run(bridge);
  } finally {
    await bridge.close();
    rmSync(rendererDir, { recursive: true, force: true });
  }
}

test('token comparison accepts only the exact token', () => {
  assert.equal(tokenMatches(TOKEN, TOKEN), true);
  assert.equal(tokenMatches(TOKEN, `${TOKEN}x`), false);
  assert.equal(tokenMatches(TOKEN, ''), false);
  assert.equal(tokenMatches(TOKEN, undefined), false);
});

test('listens on 127.0.0.1 and prints a URL carrying the token', async () => {
  await withBridge(async (bridge) => {
    assert.match(bridge.url, new RegExp(`^http://127\\.0\\.0\\.1:${bridge.port}/\\?token=${TOKEN}$`));
    const page = await call(bridge, { path: '/' });
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
  });
});

test('a missing or wrong token gets 401 and the API is not called', async () => {
  await withBridge(async (bridge) => {
    calls.length = 0;
    const body = JSON.stringify({ method: 'chat.getConversation', args: [{ conversationId: 'c1' }] });
    assert.equal((await invoke(bridge, body, { Authorization: '' })).status, 401);
    assert.equal((await invoke(bridge, body, { Authorization: 'Bearer wrong' })).status, 401);
    assert.equal((await invoke(bridge, body, { Authorization: TOKEN })).status, 401, 'the Bearer scheme is required');
    assert.equal((await call(bridge, { path: '/api/events?token=wrong' })).status, 401);
    assert.equal((await call(bridge, { path: '/api/events' })).status, 401);
    assert.deepEqual(calls, []);
  });
});

test('bad JSON or a malformed call gets 400; bad arguments are BAD_REQUEST values', async () => {
  await withBridge(async (bridge) => {
    const notJson = await invoke(bridge, '{"method":');
    assert.equal(notJson.status, 400);
    assert.equal(JSON.parse(notJson.body).error.code, 'BAD_REQUEST');
    assert.equal((await invoke(bridge, JSON.stringify({ method: 'chat.getConversation' }))).status, 400);
    assert.equal((await invoke(bridge, JSON.stringify({ method: 'chat.nope', args: [] }))).status, 404);
    const badArgs = await invoke(bridge, JSON.stringify({ method: 'chat.getConversation', args: [{ conversationId: 5 }] }));
    assert.equal(badArgs.status, 200);
    assert.equal(JSON.parse(badArgs.body).error.code, 'BAD_REQUEST');
    const good = await invoke(bridge, JSON.stringify({ method: 'chat.getConversation', args: [{ conversationId: 'c1' }] }));
    assert.deepEqual(JSON.parse(good.body), { ok: true, value: { id: 'c1' } });
  });
});

test('other Host or Origin headers are refused and no CORS headers are sent', async () => {
  await withBridge(async (bridge) => {
    const body = JSON.stringify({ method: 'metrics.getSnapshot', args: [] });
    assert.equal((await invoke(bridge, body, { Host: 'evil.example:80' })).status, 403);
    assert.equal((await invoke(bridge, body, { Origin: 'http://evil.example' })).status, 403);
    const same = await invoke(bridge, body, { Origin: `http://127.0.0.1:${bridge.port}` });
    assert.equal(same.status, 200);
    assert.equal(same.headers['access-control-allow-origin'], undefined);
  });
});

test('events stream as SSE after a ready event', async () => {
  await withBridge(async (bridge) => {
    const streamed = call(bridge, { path: `/api/events?token=${TOKEN}`, untilText: 'event: metrics.tick' });
    // Fire until the stream (subscribed asynchronously) has seen one.
    const firing = setInterval(() => ticks.fire({ at: 42 } as MetricsSnapshot), 20);
    const reply = await streamed.finally(() => clearInterval(firing));
    assert.equal(reply.status, 200);
    assert.match(String(reply.headers['content-type']), /text\/event-stream/);
    assert.match(reply.body, /^event: ready\ndata: \{\}\n\n/);
    assert.match(reply.body, /event: metrics\.tick\ndata: \{"at":42\}/);
  });
});
