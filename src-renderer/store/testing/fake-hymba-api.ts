/**
 * An in-memory HymbaApi for the store's unit tests: records calls, answers from plain data and lets a test
 * emit any API event. It stands in for the services only; the e2e suite drives the real engine.
 */
import { ok, err, appError, type Result } from '../../../src-main/contract/errors.ts';
import { DEFAULT_SAMPLING } from '../../../src-main/contract/domain.ts';
import { API_EVENTS, type ApiEventName, type ApiEventPayloads, type Conversation, type HymbaApi, type SettingsView } from '../../../src-main/contract/ipc.ts';

type Handler = (...args: never[]) => Promise<Result<unknown>>;
type Overrides = { [D in keyof HymbaApi]?: Partial<Record<string, Handler>> };

export interface FakeApi {
  readonly api: HymbaApi;
  readonly calls: { method: string; args: unknown[] }[];
  emit<E extends ApiEventName>(event: E, payload: ApiEventPayloads[E]): void;
  readonly conversations: Map<string, Conversation>;
}

export function emptyConversation(id: string, title = 'New chat'): Conversation {
  return { id, title, createdAt: 1, updatedAt: 1, systemPrompt: '', sampling: DEFAULT_SAMPLING, messages: [] };
}

export function settingsView(memoryBudgetBytes = 512 * 2 ** 20): SettingsView {
  return {
    settings: {
      device: 'auto',
      memoryBudgetBytes,
      threads: 0,
      defaultSampling: DEFAULT_SAMPLING,
      theme: 'system',
      dataDir: '/data',
      activeModelId: null,
      api: { enabled: false, host: '127.0.0.1', port: 8737, token: 'fake-token-0123456789' },
    },
    estimate: { memoryBudgetBytes, fitsTokens: memoryBudgetBytes / 1000, fixedBytes: 0, bytesPerToken: 1000 },
    restartRequired: false,
  };
}

/** Builds a fake whose default answers cover the common paths; `overrides` replaces single methods. */
export function createFakeApi(overrides: Overrides = {}): FakeApi {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const calls: FakeApi['calls'] = [];
  const conversations = new Map<string, Conversation>();
  const deleted = new Map<string, Conversation>();
  let counter = 0;
  const nextId = (prefix: string): string => `${prefix}${++counter}`;
  const find = (id: string): Result<Conversation> => {
    const c = conversations.get(id);
    return c ? ok(c) : err(appError('BAD_REQUEST', `no conversation ${id}`));
  };

  const defaults: { [D in keyof HymbaApi]: Record<string, Handler> } = {
    chat: {
      listConversations: async () =>
        ok({
          conversations: [...conversations.values()].map((c) => ({ id: c.id, title: c.title, createdAt: 1, updatedAt: 1, messageCount: c.messages.length, preview: '' })),
          quarantined: [],
        }),
      createConversation: async () => {
        const c = emptyConversation(nextId('c'));
        conversations.set(c.id, c);
        return ok(c);
      },
      getConversation: async (r: { conversationId: string }) => find(r.conversationId),
      renameConversation: async (r: { conversationId: string; title: string }) => {
        const c = conversations.get(r.conversationId);
        if (!c) return find(r.conversationId);
        const renamed = { ...c, title: r.title };
        conversations.set(c.id, renamed);
        return ok(renamed);
      },
      deleteConversation: async (r: { conversationId: string }) => {
        const c = conversations.get(r.conversationId);
        if (!c) return find(r.conversationId);
        conversations.delete(c.id);
        deleted.set(`undo-${c.id}`, c);
        return ok({ undoToken: `undo-${c.id}` });
      },
      undoDelete: async (r: { undoToken: string }) => {
        const c = deleted.get(r.undoToken);
        if (!c) return err(appError('BAD_REQUEST', 'expired'));
        conversations.set(c.id, c);
        return ok(c);
      },
      searchConversations: async () => ok([]),
      sendMessage: async (r: { conversationId: string }) => ok({ conversationId: r.conversationId, userMessageId: nextId('u'), assistantMessageId: nextId('a'), requestId: nextId('r') }),
      stopGeneration: async () => ok({ stopped: true }),
      regenerate: async (r: { conversationId: string }) => ok({ conversationId: r.conversationId, assistantMessageId: nextId('a'), requestId: nextId('r') }),
      editAndResend: async (r: { conversationId: string; messageId: string }) =>
        ok({ conversationId: r.conversationId, userMessageId: r.messageId, assistantMessageId: nextId('a'), requestId: nextId('r') }),
      setSystemPrompt: async (r: { conversationId: string; systemPrompt: string }) => {
        const c = conversations.get(r.conversationId);
        return c ? ok({ ...c, systemPrompt: r.systemPrompt }) : find(r.conversationId);
      },
      setGenerationSettings: async (r: { conversationId: string }) => find(r.conversationId),
      countDraftTokens: async (r: { draft: string }) => ok({ draftTokens: r.draft.length, contextTokens: 128 + r.draft.length, maxContextTokens: 1000, wouldDrop: false }),
      exportConversation: async () => ok({ fileName: 'x.md', mimeType: 'text/markdown', content: '' }),
    },
    models: {
      listModels: async () => ok([]),
      getModelDetails: async () => err(appError('MODEL_NOT_FOUND', 'none')),
      getActiveModel: async () => ok({ modelId: null, status: 'none', loaded: null, mode: null }),
      setActiveModel: async (r: { modelId: string }) => ok({ modelId: r.modelId, status: 'ready', loaded: null, mode: 'chat' }),
      importModel: async () => ok({ importId: 'imp1' }),
      cancelImport: async () => ok({ cancelled: true }),
      deleteModel: async () => ok({ deleted: true }),
    },
    settings: {
      getSettings: async () => ok(settingsView()),
      updateSettings: async (patch: { memoryBudgetBytes?: number }) => ok(settingsView(patch.memoryBudgetBytes)),
      estimateContext: async (r: { memoryBudgetBytes: number }) => ok(settingsView(r.memoryBudgetBytes).estimate),
      listDevices: async () => ok([{ device: 'cpu', available: true, detail: 'always' }]),
      getAppInfo: async () => ok({ version: '0', host: 'browser', platform: 'linux', dataDir: '/data' }),
      regenerateApiToken: async () => ok(settingsView()),
      getApiStatus: async () => ok({ state: 'stopped', source: 'settings', host: '127.0.0.1', port: 8737, baseUrl: null, tokenOverridden: false }),
    },
    metrics: {
      getSnapshot: async () => err(appError('INTERNAL', 'no metrics in the fake')),
    },
  };
  const api: Record<string, Record<string, unknown>> = {};
  for (const domain of Object.keys(defaults) as (keyof HymbaApi)[]) {
    const group: Record<string, unknown> = {};
    for (const [verb, handler] of Object.entries(defaults[domain])) {
      const chosen = overrides[domain]?.[verb] ?? handler;
      group[verb] = (...args: unknown[]) => {
        calls.push({ method: `${domain}.${verb}`, args });
        return (chosen as (...a: unknown[]) => Promise<Result<unknown>>)(...args);
      };
    }
    for (const [subscriber, event] of Object.entries(API_EVENTS[domain])) {
      group[subscriber] = (listener: (payload: unknown) => void) => {
        const set = listeners.get(event) ?? new Set();
        listeners.set(event, set);
        set.add(listener);
        return () => set.delete(listener);
      };
    }
    api[domain] = group;
  }

  return {
    api: api as unknown as HymbaApi,
    calls,
    conversations,
    emit(event, payload) {
      listeners.get(event)?.forEach((listener) => listener(payload));
    },
  };
}
