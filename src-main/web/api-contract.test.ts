import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API_EVENT_NAMES, API_METHOD_NAMES, type HymbaApi } from '../contract/ipc.ts';
import { createApiClient, dispatchApiCall, validateApiCall, type ApiTransport } from '../contract/api-transport.ts';
import { ok } from '../contract/errors.ts';

function rejects(method: unknown, args: unknown): string {
  const result = validateApiCall(method, args);
  assert.equal(result.ok, false, `${method} ${JSON.stringify(args)} should be rejected`);
  if (result.ok) throw new Error('unreachable');
  assert.equal(result.error.code, 'BAD_REQUEST');
  return result.error.message;
}

test('every method and event of the contract is listed once', () => {
  assert.equal(new Set(API_METHOD_NAMES).size, API_METHOD_NAMES.length);
  assert.ok(API_METHOD_NAMES.includes('chat.sendMessage'));
  assert.ok(API_METHOD_NAMES.includes('settings.updateSettings'));
  assert.ok(!API_METHOD_NAMES.some((name) => name.includes('onDid')));
  assert.ok(API_EVENT_NAMES.includes('metrics.tick'));
});

test('valid calls pass validation and keep their values', () => {
  const result = validateApiCall('chat.sendMessage', [{ conversationId: 'c1', content: 'Hello' }]);
  assert.deepEqual(result, { ok: true, value: { method: 'chat.sendMessage', args: [{ conversationId: 'c1', content: 'Hello' }] } });
  assert.equal(validateApiCall('chat.listConversations', []).ok, true);
  assert.equal(validateApiCall('settings.updateSettings', [{ theme: 'dark', defaultSampling: { topK: 5 } }]).ok, true);
  assert.equal(validateApiCall('settings.updateSettings', [{ activeModelId: null }]).ok, true);
});

test('bad arguments are rejected with BAD_REQUEST and a path to the problem', () => {
  assert.match(rejects('chat.nope', []), /Unknown method/);
  assert.match(rejects('toString', []), /Unknown method/);
  assert.match(rejects(42, []), /Unknown method/);
  assert.match(rejects('chat.sendMessage', [{ conversationId: 'c1' }]), /args\[0\]\.content/);
  assert.match(rejects('chat.sendMessage', [{ conversationId: 'c1', content: '' }]), /args\[0\]\.content/);
  assert.match(rejects('chat.sendMessage', [{ conversationId: '../etc', content: 'x' }]), /conversationId/);
  assert.match(rejects('chat.sendMessage', [{ conversationId: 'c1', content: 'x', extra: 1 }]), /extra: unknown key/);
  assert.match(rejects('chat.sendMessage', { conversationId: 'c1', content: 'x' }), /argument/);
  assert.match(rejects('chat.listConversations', [{}]), /argument/);
  assert.match(rejects('chat.setGenerationSettings', [{ conversationId: 'c1', sampling: { topP: 2 } }]), /topP/);
  assert.match(rejects('chat.setGenerationSettings', [{ conversationId: 'c1', sampling: { topK: 1.5 } }]), /topK/);
  assert.match(rejects('chat.setGenerationSettings', [{ conversationId: 'c1', sampling: { temperature: Number.NaN } }]), /temperature/);
  assert.match(rejects('settings.updateSettings', [{ device: 'tpu' }]), /device/);
  assert.match(rejects('settings.updateSettings', [{ memoryBudgetBytes: 10 }]), /memoryBudgetBytes/);
  assert.match(rejects('chat.exportConversation', [{ conversationId: 'c1', format: 'pdf' }]), /format/);
  assert.match(rejects('chat.getConversation', [Object.create({ conversationId: 'c1' })]), /object/);
  assert.match(rejects('chat.getConversation', [null]), /null/);
});

test('dispatch validates before calling and turns throws into error values', async () => {
  const calls: unknown[] = [];
  const api = {
    chat: {
      getConversation: async (request: unknown) => {
        calls.push(request);
        return ok({ id: 'c1' });
      },
      listConversations: async () => {
        throw new Error('boom');
      },
    },
  } as unknown as HymbaApi;
  const bad = await dispatchApiCall(api, 'chat.getConversation', [{ conversationId: 7 }]);
  assert.equal(bad.ok, false);
  assert.deepEqual(calls, []);
  assert.deepEqual(await dispatchApiCall(api, 'chat.getConversation', [{ conversationId: 'c1' }]), { ok: true, value: { id: 'c1' } });
  assert.deepEqual(calls, [{ conversationId: 'c1' }]);
  const thrown = await dispatchApiCall(api, 'chat.listConversations', []);
  assert.deepEqual(thrown, { ok: false, error: { code: 'INTERNAL', message: 'boom' } });
});

test('the client forwards methods and subscribers through the transport', async () => {
  const invoked: [string, readonly unknown[]][] = [];
  const listeners = new Map<string, (payload: unknown) => void>();
  const transport: ApiTransport = {
    invoke: async (method, args) => {
      invoked.push([method, args]);
      return ok('done');
    },
    subscribe: (event, listener) => {
      listeners.set(event, listener as (payload: unknown) => void);
      return () => listeners.delete(event);
    },
  };
  const api = createApiClient(transport);
  assert.deepEqual(await api.chat.stopGeneration({ conversationId: 'c9' }), { ok: true, value: 'done' });
  assert.deepEqual(invoked, [['chat.stopGeneration', [{ conversationId: 'c9' }]]]);
  const ticks: unknown[] = [];
  const unsubscribe = api.metrics.onDidTick((snapshot) => ticks.push(snapshot));
  listeners.get('metrics.tick')?.({ at: 1 });
  assert.deepEqual(ticks, [{ at: 1 }]);
  unsubscribe();
  assert.equal(listeners.has('metrics.tick'), false);
});
