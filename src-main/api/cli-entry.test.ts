import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import OpenAI from 'openai';
import { DEFAULT_SAMPLING, type GenerationInput, type GenerationMetrics, type SamplingParams } from '../contract/domain.ts';
import { appError, err, ok, type Result } from '../contract/errors.ts';
import type { EngineStatus, TokenCount } from '../engine/process/protocol.ts';
import type { AppServices } from '../services/app-services.ts';
import { startApiFromCli } from './cli-entry.ts';
import type { EngineOutcome } from './engine-port.ts';
import { API_CONVERSATION_ID, startApiForServices, type ApiHostServices, type ApiServerRun } from './services-backend.ts';
import { CHAT_MODEL, ScriptedBackend } from './scripted-backend.test-support.ts';

/** Compile-time check: the app's services fit what the API needs. */
export const appServicesFit = (services: AppServices): ApiHostServices => services;

const started: ApiServerRun[] = [];
afterEach(async () => {
  for (const server of started.splice(0)) await server.close();
});

async function start(flags: Record<string, string | boolean>, env: Record<string, string> = {}) {
  const lines: string[] = [];
  const result = await startApiFromCli(flags, new ScriptedBackend(), { log: (line) => lines.push(line), env });
  if (result.ok && result.value) started.push(result.value);
  return { result, lines };
}

test('without --api nothing starts and nothing is printed', async () => {
  const { result, lines } = await start({ 'api-port': '0' });
  assert.deepEqual(result, { ok: true, value: null });
  assert.deepEqual(lines, []);
});

test('--api prints exactly one line with the base URL, which answers the official client', async () => {
  const { result, lines } = await start({ api: true, 'api-port': '0', 'api-token': 'secret' });
  assert.ok(result.ok && result.value);
  assert.equal(lines.length, 1);
  assert.match(lines[0] ?? '', /^OpenAI API: http:\/\/127\.0\.0\.1:\d+\/v1$/);
  const baseURL = (lines[0] ?? '').slice('OpenAI API: '.length);
  const client = new OpenAI({ apiKey: 'secret', baseURL, maxRetries: 0 });
  const reply = await client.chat.completions.create({ model: CHAT_MODEL.id, messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(reply.choices[0]?.message.content, 'Hello from the scripted engine');
});

test('the token comes from HYMBA_API_TOKEN, else is generated and printed', async () => {
  const fromEnv = await start({ api: true, 'api-port': '0' }, { HYMBA_API_TOKEN: 'from-env' });
  assert.equal(fromEnv.lines.length, 1);
  const generated = await start({ api: true, 'api-port': '0' });
  assert.equal(generated.lines.length, 2);
  const token = /^OpenAI API token: (\S+)$/.exec(generated.lines[1] ?? '')?.[1];
  assert.ok(token && token.length >= 24);
  assert.ok(generated.result.ok && generated.result.value);
  const client = new OpenAI({ apiKey: token, baseURL: generated.result.value.baseUrl, maxRetries: 0 });
  assert.equal((await client.models.list()).data.length, 2);
});

test('bad ports and busy ports are errors, not exceptions', async () => {
  const bad = await start({ api: true, 'api-port': '70000' });
  assert.equal(bad.result.ok, false);
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  try {
    const busy = await start({ api: true, 'api-port': String(port), 'api-token': 't' });
    assert.equal(busy.result.ok, false);
    if (!busy.result.ok) {
      assert.equal(busy.result.error.code, 'IO_ERROR');
      assert.match(busy.result.error.message, /already in use/);
    }
    assert.deepEqual(busy.lines, []);
  } finally {
    blocker.close();
  }
});

/** The services' engine supervisor, scripted: busy for the first `busyTries` generations. */
class FakeServices implements ApiHostServices {
  busyTries = 1;
  generateCalls = 0;
  readonly samplings: SamplingParams[] = [];
  readonly finished: { requestId: string; conversationId: string; finishReason: string }[] = [];
  sampling: SamplingParams = { ...DEFAULT_SAMPLING, temperature: 0.3 };
  readonly settings = { current: () => ({ defaultSampling: this.sampling }) };
  readonly models = { list: async () => ok([{ id: CHAT_MODEL.id, kind: CHAT_MODEL.kind }]) };
  readonly metrics = {
    requestFinished: (requestId: string, conversationId: string, finishReason: string) => void this.finished.push({ requestId, conversationId, finishReason }),
  };
  readonly engine = {
    status: async (): Promise<Result<EngineStatus>> =>
      ok({
        model: { packageDir: '/nonexistent', id: CHAT_MODEL.id, displayName: 'Chat', kind: 'instruct', weightFormat: 'fp32', device: 'cpu', loadMs: 1 },
        busy: false,
      } as unknown as EngineStatus),
    countTokens: async (_input: GenerationInput): Promise<Result<TokenCount>> => ok({ tokens: 3, maxContextTokens: 100 }),
    generate: (_input: GenerationInput, sampling: SamplingParams, _key: string, handlers: { onToken(text: string): void }) => {
      this.generateCalls += 1;
      this.samplings.push(sampling);
      if (this.generateCalls <= this.busyTries) return { requestId: `r${this.generateCalls}`, done: Promise.resolve(err(appError('ENGINE_BUSY', 'chat running'))) };
      handlers.onToken('Hi');
      handlers.onToken('!');
      const metrics = { promptTokens: 3, generatedTokens: 2 } as GenerationMetrics;
      return { requestId: `r${this.generateCalls}`, done: Promise.resolve(ok<EngineOutcome>({ finishReason: 'stop', text: 'Hi!', metrics })) };
    },
    cancel: () => undefined,
  };
}

test('on the app services: waits out a busy engine, reads sampling per request, reports to the dashboard', async () => {
  const services = new FakeServices();
  const lines: string[] = [];
  const result = await startApiForServices({ api: true, 'api-port': '0', 'api-token': 'k' }, services, (line) => lines.push(line));
  assert.ok(result.ok && result.value);
  started.push(result.value);
  const client = new OpenAI({ apiKey: 'k', baseURL: result.value.baseUrl, maxRetries: 0 });
  const first = await client.chat.completions.create({ model: CHAT_MODEL.id, messages: [{ role: 'user', content: 'hi' }], stream: true });
  let text = '';
  for await (const chunk of first) text += chunk.choices[0]?.delta.content ?? '';
  assert.equal(text, 'Hi!');
  assert.equal(services.generateCalls, 2, 'the busy answer was retried');
  services.sampling = { ...DEFAULT_SAMPLING, temperature: 0.9 };
  await client.chat.completions.create({ model: CHAT_MODEL.id, messages: [{ role: 'user', content: 'again' }] });
  assert.deepEqual(
    services.samplings.map((s) => s.temperature),
    [0.3, 0.3, 0.9],
  );
  assert.deepEqual(
    services.finished.map((f) => [f.conversationId, f.finishReason]),
    [
      [API_CONVERSATION_ID, 'stop'],
      [API_CONVERSATION_ID, 'stop'],
    ],
  );
  assert.match(services.finished[0]?.requestId ?? '', /^chatcmpl-/);
});
