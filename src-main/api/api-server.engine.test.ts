/**
 * The API server on the REAL engine (engine process, onnxruntime-node) with a tiny package built by
 * `hymba synth` + `hymba convert`, driven by the official `openai` client over HTTP on 127.0.0.1. The
 * engine is reached the way the app reaches it: through the services' EngineSupervisor.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { APIError } from 'openai';
import type { EngineSettings } from '../engine/process/protocol.ts';
import { forkEngineChannel } from '../services/engine/engine-channel.ts';
import { EngineSupervisor } from '../services/engine/engine-supervisor.ts';
import { DEFAULT_SAMPLING } from '../contract/domain.ts';
import type { ApiModel } from './api-backend.ts';
import { createApiServer, type RunningApiServer } from './api-server.ts';
import { createEngineBackend, readApiModel } from './engine-backend.ts';
import { enginePortFromSupervisor } from './engine-port.ts';
import type { ApiRequestMetrics } from './request-metrics.ts';
import { buildTinyPackages, type TinyPackages } from './tiny-packages.test-support.ts';

const TOKEN = 'engine-test-token';
/** 1 MB of cache: about 577 context tokens for the tiny model, so an over-budget prompt is cheap. */
const SETTINGS: EngineSettings = { device: 'cpu', threads: 1, cacheBudgetBytes: 1_000_000 };

let workDir: string;
let packages: TinyPackages;
let instruct: ApiModel;
let base: ApiModel;
let engine: EngineSupervisor;
let server: RunningApiServer;
let client: OpenAI;
const reported: ApiRequestMetrics[] = [];

before(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'hymba-api-'));
  packages = buildTinyPackages(workDir);
  const models = await Promise.all([readApiModel(packages.instructDir), readApiModel(packages.baseDir)]);
  assert.ok(models[0].ok && models[1].ok);
  [instruct, base] = [models[0].value, models[1].value];
  engine = new EngineSupervisor(forkEngineChannel(), SETTINGS);
  assert.ok((await engine.load(packages.instructDir)).ok);
  const backend = createEngineBackend(enginePortFromSupervisor(engine), { listModels: async () => [instruct, base] });
  const started = await createApiServer({ backend, port: 0, token: TOKEN, queueLimit: 4, onRequestMetrics: (m) => reported.push(m) });
  assert.ok(started.ok);
  server = started.value;
  client = new OpenAI({ apiKey: TOKEN, baseURL: server.baseUrl, maxRetries: 0 });
});

after(async () => {
  try {
    await server?.close();
    if (engine) {
      const status = await engine.status();
      assert.ok(status.ok);
      assert.equal(status.value.busy, false, 'no engine work may be left running');
    }
  } finally {
    engine?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  }
});

const greedy = { temperature: 0, max_tokens: 8 } as const;
const hello = [{ role: 'user' as const, content: 'Hello there' }];

async function apiError(promise: Promise<unknown>): Promise<APIError> {
  const caught = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(caught instanceof APIError, `expected an APIError, got ${String(caught)}`);
  return caught;
}

test('models list the installed packages with their kinds', async () => {
  const listed: string[] = [];
  for await (const model of client.models.list()) listed.push(model.id);
  assert.deepEqual(listed, [instruct.id, base.id]);
  assert.ok(instruct.created > 0);
});

test('streaming and non-streaming chat agree at temperature 0 and count usage', async () => {
  const whole = await client.chat.completions.create({ model: instruct.id, messages: hello, ...greedy });
  const count = await engine.countTokens({ mode: 'chat', messages: hello });
  assert.ok(count.ok);
  assert.deepEqual(whole.usage, { prompt_tokens: count.value.tokens, completion_tokens: 8, total_tokens: count.value.tokens + 8 });
  assert.equal(whole.choices[0]?.finish_reason, 'length');
  const text = whole.choices[0]?.message.content ?? '';
  assert.ok(text.length > 0);

  const stream = await client.chat.completions.create({ model: instruct.id, messages: hello, ...greedy, stream: true, stream_options: { include_usage: true } });
  let streamed = '';
  let usage: OpenAI.CompletionUsage | null | undefined;
  for await (const chunk of stream) {
    streamed += chunk.choices[0]?.delta.content ?? '';
    usage = chunk.usage ?? usage;
  }
  assert.equal(streamed, text);
  assert.deepEqual(usage, whole.usage);
});

test('stop sequences and seeds reach the engine', async () => {
  const plain = (await client.chat.completions.create({ model: instruct.id, messages: hello, ...greedy })).choices[0]?.message.content ?? '';
  const stop = plain.slice(Math.floor(plain.length / 2), Math.floor(plain.length / 2) + 2);
  assert.ok(stop.length === 2, `reply too short to cut: ${JSON.stringify(plain)}`);
  const cut = await client.chat.completions.create({ model: instruct.id, messages: hello, ...greedy, stop: [stop] });
  assert.equal(cut.choices[0]?.message.content, plain.slice(0, plain.indexOf(stop)));
  assert.equal(cut.choices[0]?.finish_reason, 'stop');
  const sampled = () => client.chat.completions.create({ model: instruct.id, messages: hello, temperature: 1, top_p: 0.9, seed: 42, max_tokens: 12 });
  assert.equal((await sampled()).choices[0]?.message.content, (await sampled()).choices[0]?.message.content);
});

test('bad requests get the right status codes', async () => {
  const url = `${server.baseUrl}/chat/completions`;
  const invalid = await fetch(url, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` }, body: '{"model":' });
  assert.equal(invalid.status, 400);
  assert.equal(((await invalid.json()) as { error: { type: string } }).error.type, 'invalid_request_error');
  const unknown = await apiError(client.chat.completions.create({ model: 'gpt-4o-mini', messages: hello }));
  assert.equal(unknown.status, 404);
  const missing = await fetch(url, { method: 'POST', body: JSON.stringify({ model: instruct.id, messages: hello }) });
  assert.equal(missing.status, 401);
  const wrongKey = new OpenAI({ apiKey: `${TOKEN}x`, baseURL: server.baseUrl, maxRetries: 0 });
  assert.equal((await apiError(wrongKey.chat.completions.create({ model: instruct.id, messages: hello }))).status, 401);
  const long = [{ role: 'user' as const, content: 'hello '.repeat(800) }];
  const overBudget = await apiError(client.chat.completions.create({ model: instruct.id, messages: long, max_tokens: 4 }));
  assert.equal(overBudget.status, 400);
  assert.equal(overBudget.code, 'context_length_exceeded');
  const chatOnBase = await apiError(client.chat.completions.create({ model: base.id, messages: hello }));
  assert.equal(chatOnBase.status, 400);
  assert.match(chatOnBase.message, /\/v1\/completions/);
});

test('completions on a base model, streamed and not', async () => {
  assert.ok((await engine.load(packages.baseDir)).ok);
  try {
    const whole = await client.completions.create({ model: base.id, prompt: 'Once upon a time', ...greedy });
    assert.equal(whole.object, 'text_completion');
    assert.equal(whole.usage?.completion_tokens, 8);
    const stream = await client.completions.create({ model: base.id, prompt: 'Once upon a time', ...greedy, stream: true });
    let streamed = '';
    for await (const chunk of stream) streamed += chunk.choices[0]?.text ?? '';
    assert.equal(streamed, whole.choices[0]?.text);
  } finally {
    assert.ok((await engine.load(packages.instructDir)).ok);
  }
});

test('20 concurrent requests all finish or are refused cleanly with 429', async () => {
  const results = await Promise.allSettled(
    Array.from({ length: 20 }, (_, i) =>
      client.chat.completions.create({ model: instruct.id, messages: [{ role: 'user', content: `Question ${i}` }], ...greedy, stream: false }),
    ),
  );
  let finished = 0;
  for (const result of results) {
    if (result.status === 'fulfilled') {
      finished += 1;
      assert.equal(result.value.usage?.completion_tokens, 8);
    } else {
      assert.ok(result.reason instanceof APIError && result.reason.status === 429, `unexpected failure: ${String(result.reason)}`);
    }
  }
  assert.ok(finished >= 5, `the running request and the 4 queued ones finish (got ${finished})`);
  assert.deepEqual(server.load(), { running: 0, waiting: 0 });
});

test('a client disconnect cancels its generation on the engine', async () => {
  const before = reported.length;
  const controller = new AbortController();
  const stream = await client.chat.completions.create({ model: instruct.id, messages: hello, temperature: 0, max_tokens: 500, stream: true }, { signal: controller.signal });
  let chunks = 0;
  await (async () => {
    for await (const _chunk of stream) if (++chunks === 3) controller.abort();
  })().catch(() => undefined);
  for (let i = 0; i < 400 && reported.length === before; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  const row = reported.at(-1);
  assert.equal(row?.outcome, 'cancelled');
  assert.equal(row?.finishReason, 'cancelled');
  assert.ok((row?.completionTokens ?? 500) < 500, 'the generation stopped early');
  const status = await engine.status();
  assert.ok(status.ok && !status.value.busy);
  const next = await client.chat.completions.create({ model: instruct.id, messages: hello, ...greedy });
  assert.equal(next.usage?.completion_tokens, 8, 'the engine serves the next request');
});

test("API requests wait while the app's own chat holds the engine", async () => {
  let chatFinished = false;
  const chat = engine.generate({ mode: 'chat', messages: hello }, { ...DEFAULT_SAMPLING, temperature: 0, maxTokens: 150 }, 'conversation-1', {
    onToken: () => undefined,
    onContextDrop: () => undefined,
    onProgress: () => undefined,
  });
  void chat.done.then(() => (chatFinished = true));
  let chatFinishedFirst = false;
  const reply = await client.chat.completions
    .create({ model: instruct.id, messages: hello, ...greedy })
    .then((completion) => ((chatFinishedFirst = chatFinished), completion))
    .finally(() => chat.done);
  assert.equal(chatFinishedFirst, true, 'the API reply came after the chat ended');
  const chatResult = await chat.done;
  assert.ok(chatResult.ok);
  assert.equal(chatResult.value.metrics.generatedTokens, 150);
  assert.equal(reply.usage?.completion_tokens, 8);
});
