/**
 * The server against the official `openai` client, over real HTTP on 127.0.0.1, with a scripted backend
 * for exact control of timing and failures (the same flows on the real engine: api-server.engine.test.ts).
 */
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI, { APIError, APIUserAbortError } from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { createApiServer, type RunningApiServer } from './api-server.ts';
import type { ApiRequestMetrics } from './request-metrics.ts';
import { BASE_MODEL, CHAT_MODEL, ScriptedBackend } from './scripted-backend.test-support.ts';

const TOKEN = 'test-token-0123456789';
let backend: ScriptedBackend;
let server: RunningApiServer;
let client: OpenAI;
let reported: ApiRequestMetrics[];

beforeEach(async () => {
  backend = new ScriptedBackend();
  reported = [];
  const started = await createApiServer({ backend, port: 0, token: TOKEN, queueLimit: 3, maxBodyBytes: 4096, onRequestMetrics: (m) => reported.push(m) });
  assert.ok(started.ok);
  server = started.value;
  client = new OpenAI({ apiKey: TOKEN, baseURL: server.baseUrl, maxRetries: 0 });
});

afterEach(async () => {
  await server.close();
  assert.equal(backend.running, 0, 'no generation may outlive the server');
});

async function apiError(promise: Promise<unknown>): Promise<APIError> {
  const caught = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(caught instanceof APIError, `expected an APIError, got ${String(caught)}`);
  return caught;
}

const hello = [{ role: 'user' as const, content: 'Say hello' }];

test('non-streaming chat returns a chat.completion with usage', async () => {
  const reply = await client.chat.completions.create({ model: CHAT_MODEL.id, messages: hello, temperature: 0, seed: 3, stop: 'x' });
  assert.equal(reply.object, 'chat.completion');
  assert.match(reply.id, /^chatcmpl-/);
  assert.equal(reply.choices[0]?.message.content, 'Hello from the scripted engine');
  assert.equal(reply.choices[0]?.finish_reason, 'stop');
  assert.deepEqual(reply.usage, { prompt_tokens: 2, completion_tokens: 5, total_tokens: 7 });
  assert.equal(backend.samplings[0]?.temperature, 0);
  assert.equal(backend.samplings[0]?.seed, 3);
  assert.deepEqual(backend.samplings[0]?.stop, ['x']);
  assert.equal(reported.length, 1);
  assert.equal(reported[0]?.outcome, 'completed');
  assert.equal(reported[0]?.requestId, reply.id);
});

test('streaming chat sends role, content deltas, a finish chunk, usage and [DONE]', async () => {
  const stream = await client.chat.completions.create({
    model: CHAT_MODEL.id,
    messages: hello,
    max_tokens: 3,
    stream: true,
    stream_options: { include_usage: true },
  });
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  assert.equal(chunks[0]?.choices[0]?.delta.role, 'assistant');
  const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
  assert.equal(text, 'Hello from the');
  const finish = chunks.find((c) => c.choices[0]?.finish_reason);
  assert.equal(finish?.choices[0]?.finish_reason, 'length');
  const last = chunks.at(-1);
  assert.deepEqual(last?.choices, []);
  assert.deepEqual(last?.usage, { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 });
  assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk' && c.id === chunks[0]?.id));
});

test('completions serve base models, streamed and not; chat on a base model is a clear 400', async () => {
  backend.active = BASE_MODEL;
  const whole = await client.completions.create({ model: BASE_MODEL.id, prompt: 'Once upon a time', max_tokens: 2 });
  assert.equal(whole.object, 'text_completion');
  assert.equal(whole.choices[0]?.text, 'Hello from');
  assert.equal(whole.choices[0]?.finish_reason, 'length');
  assert.equal(whole.usage?.prompt_tokens, 4);
  assert.deepEqual(backend.inputs.at(-1), { mode: 'completion', prompt: 'Once upon a time' });
  const stream = await client.completions.create({ model: BASE_MODEL.id, prompt: 'Once', stream: true });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
  assert.equal(text, 'Hello from the scripted engine');
  const chat = await apiError(client.chat.completions.create({ model: BASE_MODEL.id, messages: hello }));
  assert.equal(chat.status, 400);
  assert.equal(chat.code, 'model_not_chat');
  assert.match(chat.message, /\/v1\/completions/);
});

test('models are listed and retrievable; unknown and unloaded models are refused', async () => {
  const models: string[] = [];
  for await (const model of client.models.list()) models.push(model.id);
  assert.deepEqual(models, [CHAT_MODEL.id, BASE_MODEL.id]);
  assert.equal((await client.models.retrieve(BASE_MODEL.id)).created, BASE_MODEL.created);
  assert.equal((await apiError(client.models.retrieve('nope'))).status, 404);
  const unknown = await apiError(client.chat.completions.create({ model: 'gpt-4o', messages: hello }));
  assert.equal(unknown.status, 404);
  assert.equal(unknown.code, 'model_not_found');
  backend.active = null;
  const unloaded = await apiError(client.chat.completions.create({ model: CHAT_MODEL.id, messages: hello }));
  assert.equal(unloaded.status, 400);
  assert.equal(unloaded.code, 'model_not_loaded');
  assert.equal(backend.started, 0);
});

test('auth, invalid JSON, bad params, body size, preflight and unknown routes give OpenAI errors', async () => {
  const wrongKey = new OpenAI({ apiKey: 'wrong', baseURL: server.baseUrl, maxRetries: 0 });
  assert.equal((await apiError(wrongKey.models.list())).status, 401);
  const url = `${server.baseUrl}/chat/completions`;
  const auth = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };
  const missing = await fetch(url, { method: 'POST', body: '{}' });
  assert.equal(missing.status, 401);
  assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'invalid_api_key');
  const badJson = await fetch(url, { method: 'POST', headers: auth, body: '{"model": ' });
  assert.equal(badJson.status, 400);
  const body = (await badJson.json()) as { error: Record<string, unknown> };
  assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message', 'param', 'type']);
  assert.equal(body.error['code'], 'invalid_json');
  const badParam = await apiError(client.chat.completions.create({ model: CHAT_MODEL.id, messages: hello, n: 2 }));
  assert.equal(badParam.status, 400);
  assert.equal(badParam.param, 'n');
  const tooLarge = await fetch(url, { method: 'POST', headers: auth, body: JSON.stringify({ model: 'x', prompt: 'y'.repeat(5000) }) });
  assert.equal(tooLarge.status, 413);
  const preflight = await fetch(url, { method: 'OPTIONS', headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST' } });
  assert.equal(preflight.status, 403);
  assert.equal(preflight.headers.get('access-control-allow-origin'), null);
  const route = await fetch(`${server.baseUrl}/embeddings`, { method: 'POST', headers: auth, body: '{}' });
  assert.equal(route.status, 404);
  const method = await fetch(url, { headers: auth });
  assert.equal(method.status, 405);
  assert.equal(backend.started, 0);
});

test('a prompt over the budget is 400 context_length_exceeded and never reaches generation', async () => {
  backend.maxContextTokens = 8;
  const error = await apiError(client.chat.completions.create({ model: CHAT_MODEL.id, messages: [{ role: 'user', content: 'a b c d e f g h i' }] }));
  assert.equal(error.status, 400);
  assert.equal(error.code, 'context_length_exceeded');
  assert.equal(backend.started, 0);
  await client.chat.completions.create({ model: CHAT_MODEL.id, messages: [{ role: 'user', content: 'a b c d e' }], max_tokens: 100 });
  assert.equal(backend.samplings[0]?.maxTokens, 3, 'max_tokens is clamped to the room the budget leaves');
});

test('engine failures map to 5xx before a stream starts and to an error event after', async () => {
  backend.failure = { code: 'ENGINE_CRASHED', message: 'engine process exited' };
  const before = await apiError(client.chat.completions.create({ model: CHAT_MODEL.id, messages: hello, stream: true }));
  assert.equal(before.status, 503);
  backend.failAfterTokens = 2;
  const stream = await client.chat.completions.create({ model: CHAT_MODEL.id, messages: hello, stream: true });
  const seen: string[] = [];
  const after = await apiError(
    (async () => {
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
    })(),
  );
  assert.match(after.message, /engine process exited/);
  assert.equal(seen.join(''), 'Hello from');
  assert.deepEqual(
    reported.map((m) => m.outcome),
    ['failed', 'failed'],
  );
});

test('requests run one at a time; a full queue answers 429 and queued requests finish in order', async () => {
  let open!: () => void;
  backend.gate = new Promise<void>((resolve) => (open = resolve));
  const ask = (i: number) => client.chat.completions.create({ model: CHAT_MODEL.id, messages: [{ role: 'user', content: `request ${i}` }] });
  const admitted = [ask(0), ask(1), ask(2), ask(3)];
  await waitFor(() => server.load().waiting === 3);
  const refused = await apiError(ask(4));
  assert.equal(refused.status, 429);
  assert.equal(refused.headers?.get('retry-after'), '1');
  open();
  const replies = await Promise.all(admitted);
  assert.equal(replies.length, 4);
  assert.equal(backend.maxRunning, 1);
  assert.deepEqual(
    backend.inputs.map((input) => (input.mode === 'chat' ? input.messages[0]?.content : '')),
    ['request 0', 'request 1', 'request 2', 'request 3'],
  );
});

test('20 concurrent requests all finish or are refused with 429', async () => {
  const ask = async (i: number): Promise<string> => {
    const messages = [{ role: 'user' as const, content: `n ${i}` }];
    if (i % 2 === 1) return (await client.chat.completions.create({ model: CHAT_MODEL.id, messages })).choices[0]?.message.content ?? '';
    let text = '';
    for await (const chunk of await client.chat.completions.create({ model: CHAT_MODEL.id, messages, stream: true })) text += chunk.choices[0]?.delta.content ?? '';
    return text;
  };
  const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => ask(i)));
  let finished = 0;
  for (const result of results) {
    if (result.status === 'fulfilled') {
      finished += 1;
      assert.equal(result.value, 'Hello from the scripted engine');
    } else assert.ok(result.reason instanceof APIError && result.reason.status === 429, String(result.reason));
  }
  assert.ok(finished >= 4, `at least the running request and the queue finish (got ${finished})`);
  assert.equal(backend.maxRunning, 1);
  assert.equal(reported.length, 20);
});

test('a client disconnect cancels its generation and frees its place in the queue', async () => {
  backend.replyTokens = 100_000;
  const streaming = new AbortController();
  const stream = await client.chat.completions.create({ model: CHAT_MODEL.id, messages: hello, stream: true, max_tokens: 100_000 }, { signal: streaming.signal });
  const queued = new AbortController();
  const waiting = client.chat.completions.create({ model: CHAT_MODEL.id, messages: hello }, { signal: queued.signal });
  await waitFor(() => server.load().waiting === 1);
  queued.abort();
  assert.ok((await waiting.catch((e: unknown) => e)) instanceof APIUserAbortError);
  await waitFor(() => server.load().waiting === 0);
  let received = 0;
  const consumed = (async () => {
    for await (const _chunk of stream) {
      received += 1;
      if (received === 3) streaming.abort();
    }
  })();
  await consumed.catch(() => undefined);
  await waitFor(() => reported.length === 2);
  assert.equal(backend.cancelled, 1);
  assert.equal(backend.running, 0);
  assert.equal(backend.started, 1, 'the queued request never reached the engine');
  assert.deepEqual(reported.map((m) => m.outcome).sort(), ['cancelled', 'cancelled']);
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(condition(), 'condition not reached');
}
