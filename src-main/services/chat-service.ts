/**
 * Chat side of the app API: conversations and generation. One generation runs at a time (the engine is
 * single-stream). A reply is written to disk when it starts (empty, `streaming`) and when it ends, so a
 * crash loses at most the reply in progress; streamed tokens update the in-memory copy and go out as events.
 */
import { randomUUID } from 'node:crypto';
import type {
  ContextDropEvent,
  Conversation,
  ConversationsChangedEvent,
  DraftTokenCount,
  GenerationFailedEvent,
  GenerationFinishedEvent,
  GenerationHandle,
  StoredMessage,
  TokenEvent,
} from '../contract/api-types.ts';
import type { ConversationMode } from '../contract/api-types.ts';
import type { SamplingParams } from '../contract/domain.ts';
import { appError, err, ok, toAppError, type Result } from '../contract/errors.ts';
import type { ConversationStore } from './conversations/conversation-store.ts';
import { buildGenerationInput, promptMessages } from './conversations/prompt-builder.ts';
import { Emitter } from './emitter.ts';
import type { EngineSupervisor } from './engine/engine-supervisor.ts';
import type { MetricsService } from './metrics/metrics-service.ts';

export const DEFAULT_TITLE = 'New chat';

export interface ChatContext {
  /** The active model, or null when none is ready. */
  activeModel(): { readonly modelId: string; readonly mode: ConversationMode } | null;
  defaultSampling(): SamplingParams;
}

interface Running {
  readonly requestId: string;
  readonly conversationId: string;
  readonly messageId: string;
}

export class ChatService {
  readonly onDidReceiveToken = new Emitter<TokenEvent>();
  readonly onDidFinishGeneration = new Emitter<GenerationFinishedEvent>();
  readonly onDidFailGeneration = new Emitter<GenerationFailedEvent>();
  readonly onDidDropContext = new Emitter<ContextDropEvent>();
  readonly onDidChangeConversations = new Emitter<ConversationsChangedEvent>();
  private running: Running | null = null;
  private finishing: Promise<void> = Promise.resolve();

  constructor(
    readonly store: ConversationStore,
    private readonly engine: EngineSupervisor,
    private readonly metrics: MetricsService,
    private readonly context: ChatContext,
  ) {}

  async create(title?: string): Promise<Conversation> {
    const conversation = await this.store.create(title?.trim() || DEFAULT_TITLE, this.context.defaultSampling());
    this.onDidChangeConversations.fire({ reason: 'created', conversationId: conversation.id });
    return conversation;
  }

  async send(conversationId: string, content: string): Promise<Result<GenerationHandle>> {
    const conversation = this.store.get(conversationId);
    const user: StoredMessage = { id: randomUUID(), role: 'user', content, createdAt: Date.now(), status: 'complete' };
    const isFirst = conversation.messages.length === 0 && conversation.title === DEFAULT_TITLE;
    return this.start(conversationId, (c) => [...c.messages, user], isFirst ? titleFrom(content) : undefined, user.id);
  }

  async regenerate(conversationId: string): Promise<Result<GenerationHandle>> {
    const messages = this.store.get(conversationId).messages;
    const lastUser = messages.map((m) => m.role).lastIndexOf('user');
    if (lastUser < 0) return err(appError('BAD_REQUEST', 'There is no message to answer'));
    return this.start(conversationId, (c) => c.messages.slice(0, lastUser + 1));
  }

  async editAndResend(conversationId: string, messageId: string, content: string): Promise<Result<GenerationHandle>> {
    const messages = this.store.get(conversationId).messages;
    const index = messages.findIndex((m) => m.id === messageId);
    if (index < 0 || messages[index]?.role !== 'user') return err(appError('BAD_REQUEST', 'Only a user message can be edited'));
    return this.start(conversationId, (c) => [...c.messages.slice(0, index), { ...(c.messages[index] as StoredMessage), content, createdAt: Date.now() }]);
  }

  stop(conversationId: string): Result<{ stopped: boolean }> {
    if (this.running?.conversationId !== conversationId) return ok({ stopped: false });
    this.engine.cancel(this.running.requestId);
    return ok({ stopped: true });
  }

  /** Stops whatever reply is being written. */
  stopAll(): void {
    if (this.running) this.engine.cancel(this.running.requestId);
  }

  /** Waits for the reply in progress to be written (shutdown, tests). */
  async settle(): Promise<void> {
    await this.finishing;
    await this.store.flush();
  }

  async countDraft(conversationId: string, draft: string): Promise<Result<DraftTokenCount>> {
    const model = this.context.activeModel();
    if (!model) return err(appError('MODEL_NOT_FOUND', 'No model is loaded'));
    const conversation = this.store.get(conversationId);
    const draftMessage: StoredMessage = { id: 'draft', role: 'user', content: draft, createdAt: 0, status: 'complete' };
    const whole = await this.engine.countTokens(buildGenerationInput(conversation, [...conversation.messages, draftMessage], model.mode));
    if (!whole.ok) return whole;
    const alone = draft ? await this.engine.countTokens({ mode: 'completion', prompt: draft }) : ok({ tokens: 0, maxContextTokens: whole.value.maxContextTokens });
    if (!alone.ok) return alone;
    const contextTokens = whole.value.tokens + conversation.sampling.maxTokens;
    return ok({ draftTokens: alone.value.tokens, contextTokens: whole.value.tokens, maxContextTokens: whole.value.maxContextTokens, wouldDrop: contextTokens > whole.value.maxContextTokens });
  }

  private async start(
    conversationId: string,
    history: (c: Conversation) => StoredMessage[],
    newTitle?: string,
    userMessageId?: string,
  ): Promise<Result<GenerationHandle>> {
    if (this.running) return err(appError('ENGINE_BUSY', 'A reply is already being written; stop it first'));
    const model = this.context.activeModel();
    if (!model) return err(appError('MODEL_NOT_FOUND', 'No model is loaded: choose one in Models'));
    const reply: StoredMessage = { id: randomUUID(), role: 'assistant', content: '', createdAt: Date.now(), status: 'streaming', modelId: model.modelId };
    const placeholder: Running = { requestId: '', conversationId, messageId: reply.id };
    this.running = placeholder;
    let prompt: StoredMessage[];
    let conversation: Conversation;
    try {
      conversation = await this.store.update(conversationId, (c) => {
        prompt = history(c).map((m) => (m.droppedFromContext ? { ...m, droppedFromContext: false } : m));
        return { ...c, title: newTitle ?? c.title, messages: [...prompt, reply] };
      });
    } catch (caught) {
      this.running = null;
      return err(toAppError(caught, 'IO_ERROR'));
    }
    this.onDidChangeConversations.fire({ reason: 'updated', conversationId });
    const input = buildGenerationInput(conversation, prompt!, model.mode);
    let text = '';
    const ids = () => ({ conversationId, messageId: reply.id, requestId: generation.requestId });
    const generation = this.engine.generate(input, conversation.sampling, conversationId, {
      onToken: (piece) => {
        text += piece;
        this.updateReplyInMemory(conversationId, reply.id, { content: text });
        this.onDidReceiveToken.fire({ ...ids(), text: piece });
      },
      onContextDrop: (drop) => {
        const dropped = this.markDropped(conversationId, drop.droppedMessages);
        this.onDidDropContext.fire({ ...ids(), drop, droppedMessageIds: dropped });
      },
      onProgress: (metrics) => this.metrics.progress(generation.requestId, metrics),
    });
    this.running = { ...placeholder, requestId: generation.requestId };
    this.metrics.requestStarted(generation.requestId, conversationId);
    this.finishing = generation.done.then((outcome) => this.finish(ids(), outcome, text));
    return ok({ conversationId, assistantMessageId: reply.id, requestId: generation.requestId, ...(userMessageId ? { userMessageId } : {}) });
  }

  private async finish(ids: { conversationId: string; messageId: string; requestId: string }, outcome: Awaited<ReturnType<EngineSupervisor['generate']>['done']>, streamed: string): Promise<void> {
    this.running = null;
    const final: Partial<StoredMessage> = outcome.ok
      ? { content: outcome.value.text || streamed, status: outcome.value.finishReason === 'cancelled' ? 'cancelled' : 'complete', finishReason: outcome.value.finishReason, metrics: outcome.value.metrics }
      : { content: streamed, status: 'failed', error: outcome.error };
    this.metrics.requestFinished(ids.requestId, ids.conversationId, outcome.ok ? outcome.value.finishReason : 'failed', outcome.ok ? outcome.value.metrics : null);
    if (!this.store.has(ids.conversationId)) return;
    let message: StoredMessage | undefined;
    try {
      const saved = await this.store.update(ids.conversationId, (c) => ({ ...c, messages: c.messages.map((m) => (m.id === ids.messageId ? { ...m, ...final } : m)) }));
      message = saved.messages.find((m) => m.id === ids.messageId);
    } catch (caught) {
      console.error('could not save the reply:', caught);
      message = { ...(this.store.get(ids.conversationId).messages.find((m) => m.id === ids.messageId) as StoredMessage), ...final };
    }
    if (!message) return;
    if (outcome.ok) this.onDidFinishGeneration.fire({ ...ids, finishReason: outcome.value.finishReason, message });
    else this.onDidFailGeneration.fire({ ...ids, error: outcome.error, message });
    this.onDidChangeConversations.fire({ reason: 'updated', conversationId: ids.conversationId });
  }

  private updateReplyInMemory(conversationId: string, messageId: string, change: Partial<StoredMessage>): void {
    if (!this.store.has(conversationId)) return;
    const c = this.store.get(conversationId);
    this.store.replaceInMemory({ ...c, messages: c.messages.map((m) => (m.id === messageId ? { ...m, ...change } : m)) });
  }

  /** Marks the oldest `count` messages that went into the prompt (the engine never drops the system prompt). */
  private markDropped(conversationId: string, count: number): string[] {
    if (!this.store.has(conversationId)) return [];
    const c = this.store.get(conversationId);
    const ids = promptMessages(c.messages.filter((m) => m.status !== 'streaming')).slice(0, count).map((m) => m.id);
    this.store.replaceInMemory({ ...c, messages: c.messages.map((m) => (ids.includes(m.id) ? { ...m, droppedFromContext: true } : m)) });
    return ids;
  }
}

function titleFrom(content: string): string {
  const line = content.trim().split('\n')[0] ?? '';
  return line.length > 48 ? `${line.slice(0, 47)}…` : line || DEFAULT_TITLE;
}
