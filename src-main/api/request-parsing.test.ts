import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChatRequest, parseCompletionRequest, type ParseResult } from './request-parsing.ts';

function rejected(result: ParseResult): { param: string | null; message: string; status: number } {
  assert.equal(result.ok, false, 'expected a rejection');
  if (result.ok) throw new Error('unreachable');
  return { param: result.error.param, message: result.error.message, status: result.error.status };
}

test('a full chat request maps to chat input and overrides', () => {
  const result = parseChatRequest({
    model: 'hymba-instruct',
    messages: [
      { role: 'developer', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'Hello ' }, { type: 'text', text: 'there' }] },
    ],
    temperature: 0,
    top_p: 0.5,
    max_completion_tokens: 12,
    stop: 'END',
    seed: 7,
    n: 1,
    stream: true,
    stream_options: { include_usage: true },
    frequency_penalty: 0,
    user: 'someone',
  });
  assert.ok(result.ok);
  assert.deepEqual(result.request, {
    endpoint: 'chat',
    model: 'hymba-instruct',
    input: {
      mode: 'chat',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello there' },
      ],
    },
    overrides: { temperature: 0, topP: 0.5, seed: 7, maxTokens: 12, stop: ['END'] },
    stream: true,
    includeUsage: true,
  });
});

test('a minimal completion request has no overrides and does not stream', () => {
  const result = parseCompletionRequest({ model: 'base', prompt: ['Once upon'], max_tokens: 5, stop: ['a', 'b'] });
  assert.ok(result.ok);
  assert.deepEqual(result.request.input, { mode: 'completion', prompt: 'Once upon' });
  assert.deepEqual(result.request.overrides, { maxTokens: 5, stop: ['a', 'b'] });
  assert.equal(result.request.stream, false);
  assert.equal(result.request.includeUsage, false);
});

test('bad bodies and parameters are rejected with the parameter named', () => {
  const chat = (extra: Record<string, unknown>) => parseChatRequest({ model: 'm', messages: [{ role: 'user', content: 'hi' }], ...extra });
  assert.equal(rejected(parseChatRequest([1, 2])).param, null);
  assert.equal(rejected(parseChatRequest({ messages: [{ role: 'user', content: 'x' }] })).param, 'model');
  assert.equal(rejected(parseChatRequest({ model: 'm', messages: [] })).param, 'messages');
  assert.equal(rejected(parseChatRequest({ model: 'm', messages: [{ role: 'tool', content: 'x' }] })).param, 'messages[0].role');
  assert.equal(rejected(parseChatRequest({ model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url' }] }] })).param, 'messages[0].content[0]');
  assert.equal(rejected(chat({ temperature: 3 })).param, 'temperature');
  assert.equal(rejected(chat({ temperature: '0.5' })).param, 'temperature');
  assert.equal(rejected(chat({ top_p: -0.1 })).param, 'top_p');
  assert.equal(rejected(chat({ max_tokens: 0 })).param, 'max_tokens');
  assert.equal(rejected(chat({ max_tokens: 1.5 })).param, 'max_tokens');
  assert.equal(rejected(chat({ max_tokens: 5, max_completion_tokens: 6 })).param, 'max_completion_tokens');
  assert.equal(rejected(chat({ stop: ['a', 'b', 'c', 'd', 'e'] })).param, 'stop');
  assert.equal(rejected(chat({ stop: [''] })).param, 'stop');
  assert.equal(rejected(chat({ seed: 1.25 })).param, 'seed');
  assert.equal(rejected(chat({ n: 2 })).param, 'n');
  assert.equal(rejected(chat({ stream: 'yes' })).param, 'stream');
  assert.equal(rejected(chat({ stream_options: { include_usage: true } })).param, 'stream_options');
  assert.equal(rejected(chat({ presence_penalty: 1 })).param, 'presence_penalty');
  assert.equal(rejected(chat({ tools: [{ type: 'function' }] })).param, 'tools');
  assert.equal(rejected(chat({ response_format: { type: 'json_object' } })).param, 'response_format');
  assert.equal(rejected(chat({ logprobs: true })).param, 'logprobs');
  const completion = (extra: Record<string, unknown>) => parseCompletionRequest({ model: 'm', prompt: 'x', ...extra });
  assert.equal(rejected(completion({ prompt: [1, 2, 3] })).param, 'prompt');
  assert.equal(rejected(completion({ prompt: ['a', 'b'] })).param, 'prompt');
  assert.equal(rejected(completion({ echo: true })).param, 'echo');
  assert.equal(rejected(completion({ best_of: 3 })).param, 'best_of');
  assert.equal(rejected(chat({ temperature: 3 })).status, 400);
});

test('neutral values of unsupported parameters and unknown fields are accepted', () => {
  const result = parseChatRequest({
    model: 'm',
    messages: [{ role: 'user', content: 'hi', name: 'me' }],
    tools: [],
    logit_bias: {},
    logprobs: false,
    response_format: { type: 'text' },
    presence_penalty: 0,
    some_vendor_field: { anything: true },
  });
  assert.ok(result.ok);
});
