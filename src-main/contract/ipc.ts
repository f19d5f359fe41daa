/**
 * THE app contract: one typed domain API (`HymbaApi`) used by the Electron preload (`window.hymba`), the
 * Electron main process, the renderer and the browser-mode bridge.
 *
 * - Methods: `api.<domain>.<verb>(request?)` → `Promise<Result<T>>`. Every method takes zero or one
 *   argument (a plain object), and never throws across the boundary: failures are `AppError` values.
 *   Each method has a runtime schema in `API_ARGUMENTS`; hosts reject anything else with BAD_REQUEST.
 * - Events: `api.<domain>.onDidX(listener)` returns an unsubscribe function. The listener gets only the
 *   payload (no event object). Each subscriber name maps to one wire event name in `API_EVENTS`.
 *
 * Transports (see api-transport.ts for the generic client/dispatcher):
 * - Electron: `ipcRenderer.invoke('hymba:<method>', ...args)` per method; events on `hymba:event:<name>`.
 * - Browser (`hymba serve`), see WIRE below:
 *   `POST /api/invoke` body `{"method":"chat.sendMessage","args":[{...}]}`, header
 *   `Authorization: Bearer <token>` → 200 `{"ok":true,"value":...}` | `{"ok":false,"error":{code,message}}`;
 *   400 for a body that is not JSON or not `{method, args[]}`; 401 for a missing or wrong token;
 *   404 for an unknown method (body `{"ok":false,"error":{"code":"BAD_REQUEST",...}}` in every case).
 *   `GET /api/events?token=<token>` → Server-Sent Events, one per app event:
 *   `event: chat.token\ndata: {"conversationId":...}\n\n`. The first event is `event: ready` with `{}`.
 */
import type { Result } from './errors.ts';
import type { DeviceInfo, SamplingParams } from './domain.ts';
import type { SamplingPatch } from './sampling-patch.ts';
import type {
  ActiveModelState,
  ApiServerStatus,
  AppInfo,
  AppSettings,
  ContextDropEvent,
  ContextEstimate,
  Conversation,
  ConversationList,
  ConversationsChangedEvent,
  DeviceOption,
  DraftTokenCount,
  ExportedConversation,
  ExportFormat,
  GenerationFailedEvent,
  GenerationFinishedEvent,
  GenerationHandle,
  ImportProgress,
  ImportRequest,
  MetricsSnapshot,
  ModelDetails,
  ModelSummary,
  SearchHit,
  SettingsPatch,
  SettingsView,
  TokenEvent,
} from './api-types.ts';
import { s, type Schema } from './schema.ts';

export type * from './api-types.ts';
export type { SamplingPatch } from './sampling-patch.ts';

/** Removes a listener; calling it twice is harmless. */
export type Unsubscribe = () => void;
export type Listener<T> = (payload: T) => void;

export interface ConversationRef {
  readonly conversationId: string;
}

/** Conversations, sending and streaming. */
export interface ChatApi {
  listConversations(): Promise<Result<ConversationList>>;
  /** Creates an empty conversation with the default generation settings. */
  createConversation(request: { readonly title?: string }): Promise<Result<Conversation>>;
  getConversation(request: ConversationRef): Promise<Result<Conversation>>;
  renameConversation(request: ConversationRef & { readonly title: string }): Promise<Result<Conversation>>;
  /** Deletes a conversation; it can be brought back with `undoDelete` until the app exits. */
  deleteConversation(request: ConversationRef): Promise<Result<{ readonly undoToken: string }>>;
  undoDelete(request: { readonly undoToken: string }): Promise<Result<Conversation>>;
  /** Case-insensitive search over titles and message text. */
  searchConversations(request: { readonly query: string }): Promise<Result<readonly SearchHit[]>>;
  /** Appends a user message and starts a reply; tokens arrive through `onDidReceiveToken`. ENGINE_BUSY if one runs. */
  sendMessage(request: ConversationRef & { readonly content: string }): Promise<Result<GenerationHandle>>;
  /** Stops the running reply of a conversation (it ends with finishReason 'cancelled'; not an error). */
  stopGeneration(request: ConversationRef): Promise<Result<{ readonly stopped: boolean }>>;
  /** Replaces the last assistant reply with a new one. */
  regenerate(request: ConversationRef): Promise<Result<GenerationHandle>>;
  /** Replaces the text of a user message, drops everything after it, and generates a new reply. */
  editAndResend(request: ConversationRef & { readonly messageId: string; readonly content: string }): Promise<Result<GenerationHandle>>;
  setSystemPrompt(request: ConversationRef & { readonly systemPrompt: string }): Promise<Result<Conversation>>;
  /** Changes this conversation's generation settings; `seed: null` removes its seed. */
  setGenerationSettings(request: ConversationRef & { readonly sampling: SamplingPatch }): Promise<Result<Conversation>>;
  /** Counts the tokens the draft would add and whether sending it would drop older turns. */
  countDraftTokens(request: ConversationRef & { readonly draft: string }): Promise<Result<DraftTokenCount>>;
  exportConversation(request: ConversationRef & { readonly format: ExportFormat }): Promise<Result<ExportedConversation>>;

  onDidReceiveToken(listener: Listener<TokenEvent>): Unsubscribe;
  onDidFinishGeneration(listener: Listener<GenerationFinishedEvent>): Unsubscribe;
  onDidFailGeneration(listener: Listener<GenerationFailedEvent>): Unsubscribe;
  onDidDropContext(listener: Listener<ContextDropEvent>): Unsubscribe;
  onDidChangeConversations(listener: Listener<ConversationsChangedEvent>): Unsubscribe;
}

/** Installed and embedded model packages. */
export interface ModelsApi {
  listModels(): Promise<Result<readonly ModelSummary[]>>;
  getModelDetails(request: { readonly modelId: string }): Promise<Result<ModelDetails>>;
  getActiveModel(): Promise<Result<ActiveModelState>>;
  /** Loads a model in the engine; resolves when it is ready (or failed). */
  setActiveModel(request: { readonly modelId: string }): Promise<Result<ActiveModelState>>;
  /** Starts converting a Hugging Face Hymba folder; progress arrives through `onDidProgressImport`. */
  importModel(request: ImportRequest): Promise<Result<{ readonly importId: string }>>;
  cancelImport(request: { readonly importId: string }): Promise<Result<{ readonly cancelled: boolean }>>;
  /** Deletes an installed package (embedded ones are read-only: BAD_REQUEST). */
  deleteModel(request: { readonly modelId: string }): Promise<Result<{ readonly deleted: true }>>;

  onDidProgressImport(listener: Listener<ImportProgress>): Unsubscribe;
  /** The list of models or the active model changed. */
  onDidChangeModels(listener: Listener<ActiveModelState>): Unsubscribe;
}

export interface SettingsApi {
  getSettings(): Promise<Result<SettingsView>>;
  /** Validates, saves and applies a partial change (device, budget and threads reconfigure the engine). */
  updateSettings(request: SettingsPatch): Promise<Result<SettingsView>>;
  /** "Fits N tokens" for a budget that is not saved yet (live as the user drags the slider). */
  estimateContext(request: { readonly memoryBudgetBytes: number }): Promise<Result<ContextEstimate>>;
  listDevices(): Promise<Result<readonly DeviceOption[]>>;
  getAppInfo(): Promise<Result<AppInfo>>;
  /** Replaces the local API's token with a new random one (a running API restarts with it). */
  regenerateApiToken(): Promise<Result<SettingsView>>;
  /** The local OpenAI-compatible API server: running, stopped, or why it could not start. */
  getApiStatus(): Promise<Result<ApiServerStatus>>;

  onDidChangeSettings(listener: Listener<SettingsView>): Unsubscribe;
  onDidChangeApiStatus(listener: Listener<ApiServerStatus>): Unsubscribe;
}

export interface MetricsApi {
  getSnapshot(): Promise<Result<MetricsSnapshot>>;
  /** At least once a second while generating, every few seconds when idle. */
  onDidTick(listener: Listener<MetricsSnapshot>): Unsubscribe;
}

/** The whole API, as `window.hymba` in Electron and from the browser client in browser mode. */
export interface HymbaApi {
  readonly chat: ChatApi;
  readonly models: ModelsApi;
  readonly settings: SettingsApi;
  readonly metrics: MetricsApi;
}

export type ApiDomain = keyof HymbaApi;

/** Wire event name → payload. */
export interface ApiEventPayloads {
  'chat.token': TokenEvent;
  'chat.finished': GenerationFinishedEvent;
  'chat.failed': GenerationFailedEvent;
  'chat.contextDrop': ContextDropEvent;
  'chat.conversationsChanged': ConversationsChangedEvent;
  'models.importProgress': ImportProgress;
  'models.changed': ActiveModelState;
  'settings.changed': SettingsView;
  'settings.apiStatus': ApiServerStatus;
  'metrics.tick': MetricsSnapshot;
}
export type ApiEventName = keyof ApiEventPayloads;

type SubscriberKeys<T> = { [K in keyof T]: K extends `onDid${string}` ? K : never }[keyof T];
type MethodKeys<T> = Exclude<keyof T, SubscriberKeys<T>>;
type Method = (...args: never[]) => unknown;

/** `'chat.sendMessage' | 'models.listModels' | ...` */
export type ApiMethodName = { [D in ApiDomain]: `${D}.${MethodKeys<HymbaApi[D]> & string}` }[ApiDomain];
type MethodOf<N extends ApiMethodName> = N extends `${infer D extends ApiDomain}.${infer M}`
  ? M extends keyof HymbaApi[D]
    ? HymbaApi[D][M] extends Method
      ? HymbaApi[D][M]
      : never
    : never
  : never;
export type ApiArgs<N extends ApiMethodName> = Parameters<MethodOf<N>>;
export type ApiValue<N extends ApiMethodName> = Awaited<ReturnType<MethodOf<N>>> extends Result<infer T> ? T : never;

// ---------------------------------------------------------------- runtime schemas

const id = s.string({ minLength: 1, maxLength: 128, pattern: /^[A-Za-z0-9_-]+$/ });
const conversationId = id;
const text = (maxLength: number) => s.string({ maxLength });

const samplingShape = {
  temperature: s.number({ min: 0, max: 5 }),
  topK: s.number({ min: 0, max: 1000, integer: true }),
  topP: s.number({ min: 0, max: 1 }),
  minP: s.number({ min: 0, max: 1 }),
  repetitionPenalty: s.number({ min: 0.5, max: 3 }),
  maxTokens: s.number({ min: 1, max: 32768, integer: true }),
  seed: s.number({ min: 0, max: 2 ** 32 - 1, integer: true }),
  stop: s.optional(s.array(text(64), { maxLength: 16 })),
};
const partialSampling = s.object({
  temperature: s.optional(samplingShape.temperature),
  topK: s.optional(samplingShape.topK),
  topP: s.optional(samplingShape.topP),
  minP: s.optional(samplingShape.minP),
  repetitionPenalty: s.optional(samplingShape.repetitionPenalty),
  maxTokens: s.optional(samplingShape.maxTokens),
  seed: s.optional(s.nullable(samplingShape.seed)),
  stop: samplingShape.stop,
});
const device = s.oneOf(['auto', 'cpu', 'webgpu', 'cuda', 'dml', 'coreml'] as const);
const weightFormat = s.oneOf(['fp32', 'fp16', 'int4'] as const);
/** 1 MiB .. 64 GiB (small budgets matter for small models; the engine rejects one that cannot hold its fixed state). */
export const MEMORY_BUDGET_RANGE = { min: 2 ** 20, max: 64 * 2 ** 30 } as const;
const memoryBudgetBytes = s.number({ ...MEMORY_BUDGET_RANGE, integer: true });
const MAX_MESSAGE_CHARS = 200_000;
/** Token characters: safe in an HTTP header and inside single quotes in a shell. */
export const API_TOKEN_PATTERN = /^[A-Za-z0-9._~+/=-]+$/;
const apiSettingsPatch = s.object({
  enabled: s.optional(s.boolean()),
  /** An IP address or host name; anything but loopback exposes the model to the network. */
  host: s.optional(s.string({ minLength: 1, maxLength: 253, pattern: /^[A-Za-z0-9.:-]+$/ })),
  port: s.optional(s.number({ min: 0, max: 65535, integer: true })),
  token: s.optional(s.string({ minLength: 16, maxLength: 256, pattern: API_TOKEN_PATTERN })),
});

type ArgumentSchemas = { [D in ApiDomain]: { [M in MethodKeys<HymbaApi[D]>]: HymbaApi[D][M] extends Method ? Schema<Parameters<HymbaApi[D][M]>> : never } };

/** The runtime schema of every method's argument list, checked by main and the bridge before dispatch. */
export const API_ARGUMENTS: ArgumentSchemas = {
  chat: {
    listConversations: s.tuple(),
    createConversation: s.tuple(s.object({ title: s.optional(text(200)) })),
    getConversation: s.tuple(s.object({ conversationId })),
    renameConversation: s.tuple(s.object({ conversationId, title: s.string({ minLength: 1, maxLength: 200 }) })),
    deleteConversation: s.tuple(s.object({ conversationId })),
    undoDelete: s.tuple(s.object({ undoToken: id })),
    searchConversations: s.tuple(s.object({ query: text(500) })),
    sendMessage: s.tuple(s.object({ conversationId, content: s.string({ minLength: 1, maxLength: MAX_MESSAGE_CHARS }) })),
    stopGeneration: s.tuple(s.object({ conversationId })),
    regenerate: s.tuple(s.object({ conversationId })),
    editAndResend: s.tuple(s.object({ conversationId, messageId: id, content: s.string({ minLength: 1, maxLength: MAX_MESSAGE_CHARS }) })),
    setSystemPrompt: s.tuple(s.object({ conversationId, systemPrompt: text(20_000) })),
    setGenerationSettings: s.tuple(s.object({ conversationId, sampling: partialSampling })),
    countDraftTokens: s.tuple(s.object({ conversationId, draft: text(MAX_MESSAGE_CHARS) })),
    exportConversation: s.tuple(s.object({ conversationId, format: s.oneOf(['markdown', 'json'] as const) })),
  },
  models: {
    listModels: s.tuple(),
    getModelDetails: s.tuple(s.object({ modelId: id })),
    getActiveModel: s.tuple(),
    setActiveModel: s.tuple(s.object({ modelId: id })),
    importModel: s.tuple(
      s.object({
        sourceDir: s.string({ minLength: 1, maxLength: 4096 }),
        displayName: s.optional(s.string({ minLength: 1, maxLength: 200 })),
        weightFormat: s.optional(weightFormat),
      }),
    ),
    cancelImport: s.tuple(s.object({ importId: id })),
    deleteModel: s.tuple(s.object({ modelId: id })),
  },
  settings: {
    getSettings: s.tuple(),
    updateSettings: s.tuple(
      s.object({
        device: s.optional(device),
        memoryBudgetBytes: s.optional(memoryBudgetBytes),
        threads: s.optional(s.number({ min: 0, max: 256, integer: true })),
        defaultSampling: s.optional(partialSampling),
        theme: s.optional(s.oneOf(['light', 'dark', 'system'] as const)),
        dataDir: s.optional(s.string({ minLength: 1, maxLength: 4096 })),
        activeModelId: s.optional(s.nullable(id)),
        api: s.optional(apiSettingsPatch),
      }),
    ),
    estimateContext: s.tuple(s.object({ memoryBudgetBytes })),
    listDevices: s.tuple(),
    getAppInfo: s.tuple(),
    regenerateApiToken: s.tuple(),
    getApiStatus: s.tuple(),
  },
  metrics: {
    getSnapshot: s.tuple(),
  },
};

/** Subscriber name on the domain API → wire event name. */
type EventTable = { [D in ApiDomain]: { [K in SubscriberKeys<HymbaApi[D]>]: ApiEventName } };
export const API_EVENTS: EventTable = {
  chat: {
    onDidReceiveToken: 'chat.token',
    onDidFinishGeneration: 'chat.finished',
    onDidFailGeneration: 'chat.failed',
    onDidDropContext: 'chat.contextDrop',
    onDidChangeConversations: 'chat.conversationsChanged',
  },
  models: { onDidProgressImport: 'models.importProgress', onDidChangeModels: 'models.changed' },
  settings: { onDidChangeSettings: 'settings.changed', onDidChangeApiStatus: 'settings.apiStatus' },
  metrics: { onDidTick: 'metrics.tick' },
};

export const API_DOMAINS: readonly ApiDomain[] = ['chat', 'models', 'settings', 'metrics'];

/** Every method name, e.g. `chat.sendMessage`. */
export const API_METHOD_NAMES: readonly ApiMethodName[] = API_DOMAINS.flatMap((domain) =>
  Object.keys(API_ARGUMENTS[domain]).map((verb) => `${domain}.${verb}` as ApiMethodName),
);

export const API_EVENT_NAMES: readonly ApiEventName[] = API_DOMAINS.flatMap((domain) => Object.values(API_EVENTS[domain]) as ApiEventName[]);

export function isApiMethodName(value: unknown): value is ApiMethodName {
  return typeof value === 'string' && (API_METHOD_NAMES as readonly string[]).includes(value);
}

/** Default settings (the settings service owns the stored copy). */
export const DEFAULT_MEMORY_BUDGET_BYTES = 512 * 2 ** 20;
export type { DeviceInfo, AppSettings, SamplingParams };

// ---------------------------------------------------------------- wire protocols

/** Electron IPC channel names. */
export const IPC_CHANNELS = {
  invoke: (method: ApiMethodName) => `hymba:${method}`,
  event: (name: ApiEventName) => `hymba:event:${name}`,
} as const;

/** Browser-mode HTTP bridge. */
export const WIRE = {
  invokePath: '/api/invoke',
  eventsPath: '/api/events',
  /** Query parameter carrying the token on page load and on the events stream (EventSource cannot send headers). */
  tokenParam: 'token',
  authorizationScheme: 'Bearer',
  /** SSE event sent first on every stream, payload `{}`. */
  readyEvent: 'ready',
  /** Largest accepted request body. */
  maxBodyBytes: 1_000_000,
} as const;

export interface WireInvokeRequest {
  readonly method: ApiMethodName;
  readonly args: readonly unknown[];
}
export type WireInvokeResponse = Result<unknown>;
