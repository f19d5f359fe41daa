import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { StoredMessage } from '../../src-main/contract/ipc.ts';
import { appStore, getSlice, resetAppStore } from './app-store.ts';
import { connectStore } from './api-binding.ts';
import { conversationLoaded, displayedContent } from './chat-slice.ts';
import { deleteConversation, editAndResend, regenerate, sendDraft, setDraft, stopGeneration } from './chat-actions.ts';
import { createFakeApi, emptyConversation, type FakeApi } from './testing/fake-hymba-api.ts';

let fake: FakeApi;
let disconnect: () => void;
/** Frames the store's token batcher waits for; `runFrames()` steps them. */
let frameCallbacks: (() => void)[] = [];
const scheduleFrame = (callback: () => void): void => void frameCallbacks.push(callback);
const runFrames = (): void => frameCallbacks.splice(0).forEach((run) => run());

beforeEach(() => {
  resetAppStore();
  frameCallbacks = [];
  fake = createFakeApi();
  disconnect = connectStore(fake.api, scheduleFrame);
});
afterEach(() => disconnect());

const settle = () => new Promise((resolve) => setImmediate(resolve));

function finalMessage(id: string, content: string, extra: Partial<StoredMessage> = {}): StoredMessage {
  return { id, role: 'assistant', content, createdAt: 2, status: 'complete', finishReason: 'stop', ...extra };
}

test('sending creates a conversation, shows the user message and a reply that streams in', async () => {
  setDraft('  Hello there ');
  await sendDraft();
  const chat = getSlice('chat');
  assert.equal(chat.draft, '');
  assert.ok(chat.openId);
  assert.deepEqual(
    fake.calls.map((c) => c.method).filter((m) => m !== 'chat.countDraftTokens'),
    ['chat.createConversation', 'chat.sendMessage'],
  );
  assert.deepEqual(fake.calls.find((c) => c.method === 'chat.sendMessage')?.args, [{ conversationId: chat.openId, content: 'Hello there' }]);
  const messages = chat.open?.messages ?? [];
  assert.equal(messages.length, 2);
  assert.equal(messages[0]?.content, 'Hello there');
  assert.equal(messages[1]?.status, 'streaming');
  const running = chat.running;
  assert.ok(running);

  fake.emit('chat.token', { conversationId: running.conversationId, messageId: running.assistantMessageId, requestId: running.requestId, text: 'Hi' });
  fake.emit('chat.token', { conversationId: running.conversationId, messageId: running.assistantMessageId, requestId: running.requestId, text: ' you' });
  const streaming = getSlice('chat').open?.messages[1];
  assert.ok(streaming);
  assert.equal(displayedContent(getSlice('chat'), streaming), '', 'tokens wait for the next frame');
  runFrames();
  assert.equal(displayedContent(getSlice('chat'), streaming), 'Hi you');

  fake.emit('chat.finished', {
    conversationId: running.conversationId,
    messageId: running.assistantMessageId,
    requestId: running.requestId,
    finishReason: 'stop',
    message: finalMessage(running.assistantMessageId, 'Hi you.'),
  });
  const after = getSlice('chat');
  assert.equal(after.running, null);
  assert.deepEqual(after.streamed, {});
  assert.equal(after.open?.messages[1]?.content, 'Hi you.');
  assert.equal(after.open?.messages[1]?.status, 'complete');
});

test('a reply that ends before the next frame keeps no streamed text behind', async () => {
  setDraft('Hello');
  await sendDraft();
  const running = getSlice('chat').running;
  assert.ok(running);
  const ids = { conversationId: running.conversationId, messageId: running.assistantMessageId, requestId: running.requestId };
  fake.emit('chat.token', { ...ids, text: 'Hi' });
  fake.emit('chat.finished', { ...ids, finishReason: 'stop', message: finalMessage(running.assistantMessageId, 'Hi') });
  runFrames();
  assert.deepEqual(getSlice('chat').streamed, {});
  assert.equal(getSlice('chat').open?.messages[1]?.content, 'Hi');
});

test('an empty draft or a second send while running does nothing', async () => {
  setDraft('   ');
  await sendDraft();
  assert.equal(fake.calls.length, 0);
  setDraft('one');
  await sendDraft();
  setDraft('two');
  await sendDraft();
  assert.equal(fake.calls.filter((c) => c.method === 'chat.sendMessage').length, 1);
  assert.equal(getSlice('chat').draft, 'two');
});

test('a refused send keeps the draft and reports the error', async () => {
  resetAppStore();
  disconnect();
  fake = createFakeApi({ chat: { sendMessage: async () => ({ ok: false, error: { code: 'ENGINE_BUSY', message: 'busy' } }) } });
  disconnect = connectStore(fake.api, scheduleFrame);
  setDraft('keep me');
  await sendDraft();
  assert.equal(getSlice('chat').draft, 'keep me');
  assert.equal(getSlice('chat').error?.code, 'ENGINE_BUSY');
  assert.equal(getSlice('ui').toasts[0]?.kind, 'error');
});

test('stop asks the service; the cancelled reply keeps its partial text', async () => {
  setDraft('long story');
  await sendDraft();
  const running = getSlice('chat').running;
  assert.ok(running);
  await stopGeneration();
  assert.deepEqual(fake.calls.at(-1), { method: 'chat.stopGeneration', args: [{ conversationId: running.conversationId }] });
  fake.emit('chat.finished', {
    ...running,
    messageId: running.assistantMessageId,
    finishReason: 'cancelled',
    message: finalMessage(running.assistantMessageId, 'Once upon', { status: 'cancelled', finishReason: 'cancelled' }),
  });
  assert.equal(getSlice('chat').running, null);
  assert.equal(getSlice('chat').open?.messages[1]?.status, 'cancelled');
});

test('regenerate replaces the last reply with a new streaming one', async () => {
  const c = emptyConversation('c9');
  fake.conversations.set('c9', {
    ...c,
    messages: [
      { id: 'u1', role: 'user', content: 'q', createdAt: 1, status: 'complete' },
      finalMessage('a1', 'old answer'),
    ],
  });
  appStore.setState({ chat: { ...getSlice('chat'), openId: 'c9', open: fake.conversations.get('c9') ?? null } });
  await regenerate();
  const messages = getSlice('chat').open?.messages ?? [];
  assert.equal(messages.length, 2);
  assert.equal(messages[1]?.id, getSlice('chat').running?.assistantMessageId);
  assert.equal(messages[1]?.content, '');
  assert.equal(messages[1]?.status, 'streaming');
});

test('edit and resend truncates after the edited message', async () => {
  const c = emptyConversation('c5');
  const open = {
    ...c,
    messages: [
      { id: 'u1', role: 'user' as const, content: 'first', createdAt: 1, status: 'complete' as const },
      finalMessage('a1', 'reply'),
      { id: 'u2', role: 'user' as const, content: 'second', createdAt: 1, status: 'complete' as const },
      finalMessage('a2', 'reply 2'),
    ],
  };
  appStore.setState({ chat: { ...getSlice('chat'), openId: 'c5', open, editingMessageId: 'u1' } });
  await editAndResend('u1', 'first, edited');
  const messages = getSlice('chat').open?.messages ?? [];
  assert.deepEqual(messages.map((m) => m.content), ['first, edited', '']);
  assert.equal(getSlice('chat').editingMessageId, null);
});

test('a context drop marks the dropped messages', async () => {
  setDraft('hello');
  await sendDraft();
  const chat = getSlice('chat');
  const running = chat.running;
  assert.ok(running && running.userMessageId);
  fake.emit('chat.contextDrop', {
    conversationId: running.conversationId,
    messageId: running.assistantMessageId,
    requestId: running.requestId,
    drop: { droppedMessages: 1, droppedTokens: 12, reason: 'budget' },
    droppedMessageIds: [running.userMessageId],
  });
  const after = getSlice('chat');
  assert.equal(after.open?.messages[0]?.droppedFromContext, true);
  assert.equal(after.open?.messages[1]?.droppedFromContext, undefined);
  assert.equal(after.lastDrop?.drop.droppedTokens, 12);
});

test('delete removes the conversation and the toast action restores it', async () => {
  setDraft('x');
  await sendDraft();
  const id = getSlice('chat').openId;
  assert.ok(id);
  fake.emit('chat.finished', {
    conversationId: id,
    messageId: 'a',
    requestId: getSlice('chat').running?.requestId ?? '',
    finishReason: 'stop',
    message: finalMessage('a', 'y'),
  });
  await deleteConversation(id);
  assert.equal(getSlice('chat').openId, null);
  assert.equal(getSlice('chat').conversations.some((c) => c.id === id), false);
  const toast = getSlice('ui').toasts.at(-1);
  assert.equal(toast?.actionLabel, 'Undo');
  toast?.onAction?.();
  await settle();
  await settle();
  await settle();
  assert.ok(fake.calls.some((c) => c.method === 'chat.undoDelete'));
  assert.equal(getSlice('chat').conversations.some((c) => c.id === id), true);
  assert.equal(getSlice('chat').openId, id);
});

test('a conversation fetched before a live event does not roll the view back', async () => {
  setDraft('first');
  await sendDraft();
  const chat = getSlice('chat');
  const running = chat.running;
  assert.ok(running && chat.open);
  const staleCopy = { ...chat.open, messages: chat.open.messages.slice(0, 1) };
  const revisionAtFetch = chat.revision;
  fake.emit('chat.finished', {
    conversationId: running.conversationId,
    messageId: running.assistantMessageId,
    requestId: running.requestId,
    finishReason: 'stop',
    message: finalMessage(running.assistantMessageId, 'done'),
  });
  appStore.setState({ chat: conversationLoaded(getSlice('chat'), staleCopy, revisionAtFetch) });
  assert.equal(getSlice('chat').open?.messages[1]?.content, 'done');
  appStore.setState({ chat: conversationLoaded(getSlice('chat'), staleCopy, getSlice('chat').revision) });
  assert.equal(getSlice('chat').open?.messages.length, 1);
});

test('a reply that ends before the send call answers is shown final, not stuck streaming', async () => {
  disconnect();
  resetAppStore();
  fake = createFakeApi({
    chat: {
      sendMessage: async (r: { conversationId: string }) => {
        const stored = fake.conversations.get(r.conversationId);
        const user = { id: 'u-early', role: 'user' as const, content: 'hi', createdAt: 1, status: 'complete' as const };
        if (stored) fake.conversations.set(r.conversationId, { ...stored, messages: [user, finalMessage('a-early', '')] });
        fake.emit('chat.finished', {
          conversationId: r.conversationId,
          messageId: 'a-early',
          requestId: 'r-early',
          finishReason: 'stop',
          message: finalMessage('a-early', ''),
        });
        return { ok: true, value: { conversationId: r.conversationId, userMessageId: 'u-early', assistantMessageId: 'a-early', requestId: 'r-early' } };
      },
    },
  });
  disconnect = connectStore(fake.api, scheduleFrame);
  setDraft('hi');
  await sendDraft();
  const chat = getSlice('chat');
  assert.equal(chat.running, null);
  assert.deepEqual(chat.open?.messages.map((m) => [m.id, m.status]), [
    ['u-early', 'complete'],
    ['a-early', 'complete'],
  ]);
  assert.deepEqual(chat.endedBeforeStart, {});
});
