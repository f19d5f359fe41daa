/**
 * The app services with the real engine process on tiny real packages (random weights, real tokenizer):
 * launch model, streaming, stop, regenerate, edit and resend, busy, Base vs Instruct, and an engine crash
 * in the middle of a reply (earlier messages survive on disk, the engine restarts and reloads the model).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tinyPackage } from '../engine/runtime/test-package.ts';
import type { ActiveModelState, GenerationFailedEvent, GenerationFinishedEvent, TokenEvent } from '../contract/api-types.ts';
import type { Result } from '../contract/errors.ts';
import { AppServices } from './app-services.ts';
import { ConversationStore } from './conversations/conversation-store.ts';
import { forkEngineChannel } from './engine/engine-channel.ts';
import { confSettingsBackend } from './settings/settings-backend.ts';

const root = mkdtempSync(join(tmpdir(), 'hymba-app-services-'));
let services: AppServices;
let instructId = '';

function value<T>(result: Result<T>): T {
  assert.ok(result.ok, JSON.stringify(!result.ok && result.error));
  return result.value;
}

/** Resolves with the first payload of an event that matches. */
function next<T>(subscribe: (listener: (payload: T) => void) => () => void, matches: (payload: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve) => {
    const unsubscribe = subscribe((payload) => {
      if (!matches(payload)) return;
      unsubscribe();
      resolve(payload);
    });
  });
}

before(async () => {
  const base = await tinyPackage({ base: true });
  const instruct = await tinyPackage();
  mkdirSync(join(root, 'embedded'));
  mkdirSync(join(root, 'data', 'models'), { recursive: true });
  cpSync(base, join(root, 'embedded', 'tiny-base'), { recursive: true });
  cpSync(instruct, join(root, 'data', 'models', 'tiny-instruct'), { recursive: true });
  services = new AppServices({
    host: 'browser',
    version: 'test',
    configDir: join(root, 'data'),
    embeddedModelsDir: join(root, 'embedded'),
    engineChannel: forkEngineChannel(),
    settingsBackend: confSettingsBackend,
  });
  value(services.settings.update({ device: 'cpu', threads: 1, defaultSampling: { temperature: 0, repetitionPenalty: 1, maxTokens: 6 } }));
});

after(async () => {
  await services?.dispose();
  rmSync(root, { recursive: true, force: true });
});

test('launch loads the embedded default model, which is a Base model driven as completion', async () => {
  const report = await services.start();
  assert.equal(report.model?.source, 'embedded');
  const active = value(await services.api.models.getActiveModel());
  assert.equal(active.status, 'ready');
  assert.equal(active.mode, 'completion');
  const models = value(await services.api.models.listModels());
  assert.deepEqual(models.map((m) => [m.source, m.kind, m.active]).sort(), [['embedded', 'base', true], ['installed', 'instruct', false]]);
  instructId = models.find((m) => m.kind === 'instruct')!.id;
  const details = value(await services.api.models.getModelDetails({ modelId: instructId }));
  assert.ok(details.layers.some((l) => l.kv === 'shared'));
  const estimate = value(await services.api.settings.estimateContext({ memoryBudgetBytes: 16 * 2 ** 20 }));
  assert.equal(estimate.fitsTokens, details.maxPositionEmbeddings + details.metaTokens, 'a tiny model fits its whole context (meta tokens on top) in 16 MiB');
});

test('switching to Instruct turns the chat mode on; a reply streams and is saved', async () => {
  const changed = next<ActiveModelState>(services.api.models.onDidChangeModels, (s) => s.status === 'ready');
  const active = value(await services.api.models.setActiveModel({ modelId: instructId }));
  assert.equal(active.mode, 'chat');
  assert.equal((await changed).modelId, instructId);
  const conversation = value(await services.api.chat.createConversation({}));
  const tokens: string[] = [];
  const stopTokens = services.api.chat.onDidReceiveToken((e: TokenEvent) => tokens.push(e.text));
  const finished = next<GenerationFinishedEvent>(services.api.chat.onDidFinishGeneration);
  const handle = value(await services.api.chat.sendMessage({ conversationId: conversation.id, content: 'Hello there' }));
  const done = await finished;
  stopTokens();
  assert.equal(done.messageId, handle.assistantMessageId);
  assert.equal(done.finishReason, 'length');
  assert.equal(done.message.content, tokens.join(''));
  assert.equal(done.message.metrics?.generatedTokens, 6);
  await services.chat.settle();
  const onDisk = new ConversationStore(join(root, 'data', 'conversations'));
  await onDisk.load();
  const saved = onDisk.get(conversation.id);
  assert.equal(saved.title, 'Hello there');
  assert.deepEqual(saved.messages.map((m) => [m.role, m.status]), [['user', 'complete'], ['assistant', 'complete']]);
  const snapshot = value(await services.api.metrics.getSnapshot());
  assert.ok(snapshot.recent.length >= 1 && snapshot.cache.total > 0);
});

test('stop ends a reply as cancelled; a second send while busy is ENGINE_BUSY', async () => {
  const conversation = value(await services.api.chat.createConversation({ title: 'Long' }));
  value(await services.api.chat.setGenerationSettings({ conversationId: conversation.id, sampling: { maxTokens: 5000 } }));
  const firstToken = next<TokenEvent>(services.api.chat.onDidReceiveToken);
  const finished = next<GenerationFinishedEvent>(services.api.chat.onDidFinishGeneration);
  value(await services.api.chat.sendMessage({ conversationId: conversation.id, content: 'Count to a thousand' }));
  await firstToken;
  const busy = await services.api.chat.sendMessage({ conversationId: conversation.id, content: 'again' });
  assert.equal(!busy.ok && busy.error.code, 'ENGINE_BUSY');
  assert.deepEqual(value(await services.api.chat.stopGeneration({ conversationId: conversation.id })), { stopped: true });
  const done = await finished;
  assert.equal(done.finishReason, 'cancelled');
  assert.equal(done.message.status, 'cancelled');
  assert.ok((done.message.metrics?.generatedTokens ?? 0) < 5000);
});

test('regenerate replaces the last reply; edit and resend drops what followed the edited message', async () => {
  const conversation = value(await services.api.chat.createConversation({}));
  let finished = next<GenerationFinishedEvent>(services.api.chat.onDidFinishGeneration);
  const first = value(await services.api.chat.sendMessage({ conversationId: conversation.id, content: 'First question' }));
  await finished;
  finished = next<GenerationFinishedEvent>(services.api.chat.onDidFinishGeneration);
  value(await services.api.chat.sendMessage({ conversationId: conversation.id, content: 'Second question' }));
  await finished;
  finished = next<GenerationFinishedEvent>(services.api.chat.onDidFinishGeneration);
  const again = value(await services.api.chat.regenerate({ conversationId: conversation.id }));
  await finished;
  let messages = value(await services.api.chat.getConversation({ conversationId: conversation.id })).messages;
  assert.equal(messages.length, 4);
  assert.equal(messages[3]?.id, again.assistantMessageId);
  finished = next<GenerationFinishedEvent>(services.api.chat.onDidFinishGeneration);
  const edited = value(await services.api.chat.editAndResend({ conversationId: conversation.id, messageId: first.userMessageId!, content: 'Edited question' }));
  assert.equal(edited.userMessageId, first.userMessageId, 'the edited message keeps its id and is named in the handle');
  await finished;
  messages = value(await services.api.chat.getConversation({ conversationId: conversation.id })).messages;
  assert.deepEqual(messages.map((m) => m.role), ['user', 'assistant']);
  assert.equal(messages[0]?.content, 'Edited question');
});

test('an engine crash mid-reply fails only that reply; the engine restarts and reloads the model', async () => {
  const conversation = value(await services.api.chat.createConversation({ title: 'Crash' }));
  let finished = next<GenerationFinishedEvent>(services.api.chat.onDidFinishGeneration);
  value(await services.api.chat.sendMessage({ conversationId: conversation.id, content: 'Before the crash' }));
  await finished;
  value(await services.api.chat.setGenerationSettings({ conversationId: conversation.id, sampling: { maxTokens: 5000 } }));
  const firstToken = next<TokenEvent>(services.api.chat.onDidReceiveToken);
  const failed = next<GenerationFailedEvent>(services.api.chat.onDidFailGeneration);
  const recovered = next<ActiveModelState>(services.api.models.onDidChangeModels, (s) => s.status === 'ready');
  value(await services.api.chat.sendMessage({ conversationId: conversation.id, content: 'During the crash' }));
  await firstToken;
  const pid = services.engine.pid!;
  process.kill(pid, 'SIGKILL');
  const failure = await failed;
  assert.equal(failure.error.code, 'ENGINE_CRASHED');
  assert.equal(failure.message.status, 'failed');
  const state = await recovered;
  assert.equal(state.modelId, instructId);
  assert.notEqual(services.engine.pid, pid);
  await services.chat.settle();
  const onDisk = new ConversationStore(join(root, 'data', 'conversations'));
  await onDisk.load();
  assert.deepEqual(
    onDisk.get(conversation.id).messages.map((m) => [m.content === '' ? '' : m.role === 'user' ? m.content : 'reply', m.status]).slice(0, 3),
    [['Before the crash', 'complete'], ['reply', 'complete'], ['During the crash', 'complete']],
  );
  const seeded = value(await services.api.chat.setGenerationSettings({ conversationId: conversation.id, sampling: { maxTokens: 4, seed: 9 } }));
  assert.equal(seeded.sampling.seed, 9);
  const unseeded = value(await services.api.chat.setGenerationSettings({ conversationId: conversation.id, sampling: { seed: null } }));
  assert.equal('seed' in unseeded.sampling, false, 'seed: null clears the seed');
  assert.equal(unseeded.sampling.maxTokens, 4);
  finished = next<GenerationFinishedEvent>(services.api.chat.onDidFinishGeneration);
  value(await services.api.chat.sendMessage({ conversationId: conversation.id, content: 'After the crash' }));
  assert.equal((await finished).finishReason, 'length');
});

test('a small budget drops the oldest turns and marks them; the draft count sees the budget', async () => {
  value(services.settings.update({ memoryBudgetBytes: 2 ** 20 }));
  const conversation = value(await services.api.chat.createConversation({ title: 'Long history' }));
  const paragraph = (n: number) => `Paragraph ${n}: ${'lorem ipsum dolor sit amet '.repeat(60)}`;
  const draft = value(await services.api.chat.countDraftTokens({ conversationId: conversation.id, draft: paragraph(0) }));
  assert.ok(draft.draftTokens > 200 && draft.contextTokens > draft.draftTokens && draft.maxContextTokens < 2000, JSON.stringify(draft));
  const estimate = value(await services.api.settings.estimateContext({ memoryBudgetBytes: 2 ** 20 }));
  assert.equal(estimate.fitsTokens, draft.maxContextTokens, '"fits N tokens" agrees with the engine');
  let dropEvent: unknown = null;
  const stopDrops = services.api.chat.onDidDropContext((event) => (dropEvent = event));
  for (let i = 1; i <= 4 && dropEvent === null; i++) {
    const finished = next<GenerationFinishedEvent>(services.api.chat.onDidFinishGeneration);
    value(await services.api.chat.sendMessage({ conversationId: conversation.id, content: paragraph(i) }));
    await finished;
  }
  stopDrops();
  assert.ok(dropEvent, 'the conversation outgrew the budget');
  const { droppedMessageIds, drop } = dropEvent as { droppedMessageIds: string[]; drop: { droppedMessages: number } };
  assert.equal(droppedMessageIds.length, drop.droppedMessages);
  await services.chat.settle();
  const messages = value(await services.api.chat.getConversation({ conversationId: conversation.id })).messages;
  assert.deepEqual(messages.filter((m) => m.droppedFromContext).map((m) => m.id), droppedMessageIds);
  assert.equal(messages[0]?.id, droppedMessageIds[0], 'the oldest message is the first dropped');
  const gauge = value(await services.api.chat.countDraftTokens({ conversationId: conversation.id, draft: paragraph(9) }));
  assert.equal(gauge.wouldDrop, true);
});

test('a Base-model conversation that outgrows the budget drops its oldest messages too, instead of failing', async () => {
  const baseId = value(await services.api.models.listModels()).find((m) => m.kind === 'base')!.id;
  const ready = (modelId: string) => next<ActiveModelState>(services.api.models.onDidChangeModels, (s) => s.status === 'ready' && s.modelId === modelId);
  let changed = ready(baseId);
  assert.equal(value(await services.api.models.setActiveModel({ modelId: baseId })).mode, 'completion');
  await changed;
  value(services.settings.update({ memoryBudgetBytes: 2 ** 20 }));
  const conversation = value(await services.api.chat.createConversation({ title: 'Long story' }));
  const part = (n: number) => `Part ${n}: ${'the river ran on past the mill and the town '.repeat(40)}`;
  let dropped: readonly string[] | null = null;
  const stopDrops = services.api.chat.onDidDropContext((event) => (dropped = event.droppedMessageIds));
  for (let i = 1; i <= 5 && dropped === null; i++) {
    const ended = Promise.race([
      next<GenerationFinishedEvent>(services.api.chat.onDidFinishGeneration).then((e) => e.message.status),
      next<GenerationFailedEvent>(services.api.chat.onDidFailGeneration).then((e) => `failed: ${e.error.code}`),
    ]);
    value(await services.api.chat.sendMessage({ conversationId: conversation.id, content: part(i) }));
    assert.equal(await ended, 'complete');
  }
  stopDrops();
  assert.ok(dropped, 'the conversation outgrew the budget');
  await services.chat.settle();
  const messages = value(await services.api.chat.getConversation({ conversationId: conversation.id })).messages;
  assert.equal(messages[0]?.id, (dropped as readonly string[])[0], 'the oldest message is the first dropped');
  changed = ready(instructId);
  value(await services.api.models.setActiveModel({ modelId: instructId }));
  await changed;
});
