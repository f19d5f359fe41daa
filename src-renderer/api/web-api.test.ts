import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWebApi, type ConnectionState } from './web-api.ts';

/** Records what the client sends and answers with a canned body. */
function fakeFetch(answer: { status: number; body: unknown } | Error) {
  const requests: { url: string; init: RequestInit }[] = [];
  const fetchImpl = (async (url: string, init: RequestInit) => {
    requests.push({ url, init });
    if (answer instanceof Error) throw answer;
    return new Response(JSON.stringify(answer.body), { status: answer.status });
  }) as unknown as typeof fetch;
  return { requests, fetchImpl };
}

/** Just enough of EventSource: listeners by event name and a way to fire them. */
class FakeEventSource {
  static last: FakeEventSource | null = null;
  readonly listeners = new Map<string, ((event: { data?: string }) => void)[]>();
  closed = false;
  constructor(readonly url: string) {
    FakeEventSource.last = this;
  }
  addEventListener(name: string, listener: (event: { data?: string }) => void): void {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
  }
  fire(name: string, data?: string): void {
    for (const listener of this.listeners.get(name) ?? []) listener({ data });
  }
  close(): void {
    this.closed = true;
  }
}

const environment = (fetchImpl: typeof fetch) => ({
  baseUrl: 'http://127.0.0.1:9',
  fetch: fetchImpl,
  createEventSource: (url: string) => new FakeEventSource(url) as unknown as EventSource,
});

test('a call is one POST with the bearer token, and the result comes back as sent', async () => {
  const { requests, fetchImpl } = fakeFetch({ status: 200, body: { ok: true, value: { stopped: true } } });
  const { api } = createWebApi('tok en', environment(fetchImpl));
  const result = await api.chat.stopGeneration({ conversationId: 'c1' });
  assert.deepEqual(result, { ok: true, value: { stopped: true } });
  assert.equal(requests.length, 1);
  assert.equal(requests[0]?.url, 'http://127.0.0.1:9/api/invoke');
  assert.equal(requests[0]?.init.method, 'POST');
  assert.equal((requests[0]?.init.headers as Record<string, string>).Authorization, 'Bearer tok en');
  assert.deepEqual(JSON.parse(String(requests[0]?.init.body)), { method: 'chat.stopGeneration', args: [{ conversationId: 'c1' }] });
});

test('errors stay values: server errors pass through, network failures and junk become AppErrors', async () => {
  const refused = createWebApi('t', environment(fakeFetch({ status: 401, body: { ok: false, error: { code: 'BAD_REQUEST', message: 'bad token' } } }).fetchImpl));
  assert.deepEqual(await refused.api.models.listModels(), { ok: false, error: { code: 'BAD_REQUEST', message: 'bad token' } });
  const down = createWebApi('t', environment(fakeFetch(new Error('ECONNREFUSED')).fetchImpl));
  const downResult = await down.api.models.listModels();
  assert.equal(downResult.ok ? null : downResult.error.code, 'IO_ERROR');
  const junk = createWebApi('t', environment(fakeFetch({ status: 200, body: { hello: 1 } }).fetchImpl));
  const junkResult = await junk.api.models.listModels();
  assert.equal(junkResult.ok ? null : junkResult.error.code, 'INTERNAL');
});

test('events arrive from one stream opened on the first subscription, with the token in the URL', () => {
  FakeEventSource.last = null;
  const client = createWebApi('abc', environment(fakeFetch({ status: 200, body: { ok: true, value: null } }).fetchImpl));
  const states: ConnectionState[] = [];
  client.onDidChangeConnection((state) => states.push(state));
  assert.equal(FakeEventSource.last, null);
  const tokens: string[] = [];
  const unsubscribe = client.api.chat.onDidReceiveToken((event) => tokens.push(event.text));
  const finished: string[] = [];
  client.api.chat.onDidFinishGeneration((event) => finished.push(event.messageId));
  const source = FakeEventSource.last as FakeEventSource | null;
  assert.ok(source);
  assert.equal(source.url, 'http://127.0.0.1:9/api/events?token=abc');
  source.fire('ready', '{}');
  source.fire('chat.token', JSON.stringify({ conversationId: 'c', messageId: 'm', requestId: 'r', text: 'Hi' }));
  source.fire('chat.token', 'not json');
  source.fire('chat.finished', JSON.stringify({ messageId: 'm' }));
  unsubscribe();
  source.fire('chat.token', JSON.stringify({ text: 'after' }));
  source.fire('error');
  assert.deepEqual(tokens, ['Hi']);
  assert.deepEqual(finished, ['m']);
  assert.deepEqual(states, ['connecting', 'open', 'lost']);
  client.close();
  assert.equal(source.closed, true);
});
