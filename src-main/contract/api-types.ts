/**
 * Data types of the app API (HymbaApi in ipc.ts): what the renderer sends and receives over IPC or the
 * browser bridge. Pure data (JSON-serialisable), so the same values travel through Electron IPC and HTTP.
 * Times are milliseconds since the Unix epoch; sizes are bytes.
 */
import type { AppError } from './errors.ts';
import type {
  CacheBreakdown,
  CacheLayerInfo,
  ContextDrop,
  DevicePreference,
  ExecutionDevice,
  FinishReason,
  GenerationMetrics,
  LoadedModelInfo,
  ModelKind,
  SamplingParams,
  WeightFormat,
} from './domain.ts';
import type { SamplingPatch } from './sampling-patch.ts';

// ---------------------------------------------------------------- chat

/**
 * Lifecycle of a stored message. `streaming` is only ever seen in memory; a file that still says
 * `streaming` when loaded was cut off by a crash and is shown as `interrupted`.
 */
export type MessageStatus = 'complete' | 'streaming' | 'cancelled' | 'failed' | 'interrupted';

export interface StoredMessage {
  readonly id: string;
  readonly role: 'user' | 'assistant';
  readonly content: string;
  readonly createdAt: number;
  readonly status: MessageStatus;
  readonly finishReason?: FinishReason;
  readonly error?: AppError;
  readonly metrics?: GenerationMetrics;
  /** The model that wrote an assistant reply. */
  readonly modelId?: string;
  /** True when this message was left out of the most recent prompt because the context budget was full. */
  readonly droppedFromContext?: boolean;
}

/** How a conversation is turned into model input: Instruct models chat, Base models complete text. */
export type ConversationMode = 'chat' | 'completion';

export interface Conversation {
  readonly id: string;
  readonly title: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly systemPrompt: string;
  /** Generation settings of this conversation (copied from the defaults when it was created). */
  readonly sampling: SamplingParams;
  readonly messages: readonly StoredMessage[];
}

export interface ConversationSummary {
  readonly id: string;
  readonly title: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly messageCount: number;
  /** The start of the last message, for the list. */
  readonly preview: string;
}

/** A conversation file that could not be read; it was moved aside to `movedTo` and the rest loaded. */
export interface QuarantinedFile {
  readonly fileName: string;
  readonly movedTo: string;
  readonly reason: string;
}

export interface ConversationList {
  readonly conversations: readonly ConversationSummary[];
  /** Files quarantined since launch (reported until the app restarts). */
  readonly quarantined: readonly QuarantinedFile[];
}

export interface SearchHit {
  readonly conversationId: string;
  readonly title: string;
  /** Present when the match is inside a message rather than the title. */
  readonly messageId?: string;
  /** A short excerpt around the match. */
  readonly snippet: string;
}

/** Ids of a generation that was started; its tokens arrive as chat events with the same ids. */
export interface GenerationHandle {
  readonly conversationId: string;
  /** The user message that was added (send) or edited, keeping its id (editAndResend); absent for regenerate. */
  readonly userMessageId?: string;
  readonly assistantMessageId: string;
  readonly requestId: string;
}

export interface DraftTokenCount {
  /** Tokens of the draft alone. */
  readonly draftTokens: number;
  /** Context positions the whole prompt would take (meta tokens, history, draft, template). */
  readonly contextTokens: number;
  readonly maxContextTokens: number;
  /** True when sending would drop older turns to fit the budget. */
  readonly wouldDrop: boolean;
}

export type ExportFormat = 'markdown' | 'json';

export interface ExportedConversation {
  readonly fileName: string;
  readonly mimeType: string;
  readonly content: string;
}

// ---------------------------------------------------------------- models

export type ModelSource = 'embedded' | 'installed';

export interface ModelSummary {
  readonly id: string;
  readonly displayName: string;
  readonly kind: ModelKind;
  readonly weightFormat: WeightFormat;
  readonly source: ModelSource;
  /** Bytes on disk of the package. */
  readonly sizeBytes: number;
  readonly parameters: number;
  /** Cache bytes each further context token costs once sliding windows are full (global-attention KV). */
  readonly cacheBytesPerToken: number;
  readonly active: boolean;
}

export interface ModelDetails extends ModelSummary {
  readonly packageDir: string;
  readonly layers: readonly CacheLayerInfo[];
  readonly metaTokens: number;
  readonly slidingWindow: number;
  readonly maxPositionEmbeddings: number;
  readonly vocabSize: number;
  readonly hiddenSize: number;
  /** The source checkpoint (folder or HF id) the package was converted from, when known. */
  readonly sourceCheckpoint?: string;
  /** Set when an older converter made the graph: what that costs, and how to update it. */
  readonly outdatedGraph?: string;
}

export type ActiveModelStatus = 'none' | 'loading' | 'ready' | 'failed' | 'crashed';

export interface ActiveModelState {
  readonly modelId: string | null;
  readonly status: ActiveModelStatus;
  readonly loaded: LoadedModelInfo | null;
  /** How the chat is driven for this model: Base → completion, Instruct → chat template. */
  readonly mode: ConversationMode | null;
  readonly error?: AppError;
}

export type ImportPhase = 'validating' | 'converting' | 'verifying' | 'installing' | 'done' | 'failed' | 'cancelled';

export interface ImportProgress {
  readonly importId: string;
  readonly phase: ImportPhase;
  /** 0..1 over the whole import. */
  readonly fraction: number;
  readonly message: string;
  /** Set when phase is 'done'. */
  readonly modelId?: string;
  /** Set when phase is 'failed'. */
  readonly error?: AppError;
}

export interface ImportRequest {
  /** Absolute path of a Hugging Face Hymba folder (config.json, safetensors, tokenizer files). */
  readonly sourceDir: string;
  readonly displayName?: string;
  readonly weightFormat?: WeightFormat;
}

// ---------------------------------------------------------------- settings

export type Theme = 'light' | 'dark' | 'system';

/** The local OpenAI-compatible API server (src-main/api). Off by default. */
export interface ApiSettings {
  readonly enabled: boolean;
  /** Interface to bind: 127.0.0.1 unless the user explicitly chooses another (the UI never offers one). */
  readonly host: string;
  /** 0 picks a free port at every start. */
  readonly port: number;
  /** The bearer token clients must send; generated at first start, never logged. */
  readonly token: string;
}

/** Everything the user can set. Stored by the settings service (electron-store / conf, same file). */
export interface AppSettings {
  readonly device: DevicePreference;
  /** Memory budget for the cache, in bytes. */
  readonly memoryBudgetBytes: number;
  /** Intra-op threads; 0 = automatic. */
  readonly threads: number;
  readonly defaultSampling: SamplingParams;
  readonly theme: Theme;
  /** Where conversations and installed models live; a change takes effect after a restart. */
  readonly dataDir: string;
  /** The model to load at launch; null = the embedded default. */
  readonly activeModelId: string | null;
  readonly api: ApiSettings;
}

/** A partial settings change; `defaultSampling.seed: null` removes the default seed. */
export type SettingsPatch = Partial<Omit<AppSettings, 'defaultSampling' | 'api'>> & {
  readonly defaultSampling?: SamplingPatch;
  readonly api?: Partial<ApiSettings>;
};

export type ApiServerState = 'stopped' | 'starting' | 'running' | 'error';

/** The local API server as it is now (the settings say what it should be). */
export interface ApiServerStatus {
  readonly state: ApiServerState;
  /** What configures the server: the settings, or `hymba serve --api` flags for this run. */
  readonly source: 'settings' | 'command-line';
  /** The interface it binds (or would bind). */
  readonly host: string;
  /** The bound port while running, else the configured one. */
  readonly port: number;
  /** e.g. http://127.0.0.1:8737/v1 while running, else null. */
  readonly baseUrl: string | null;
  /** True when the token in effect is not the one in Settings (given to `hymba serve` for this run). */
  readonly tokenOverridden: boolean;
  /** Why it is not running, when state is 'error' (e.g. the port is in use). */
  readonly error?: AppError;
}

export interface ContextEstimate {
  readonly memoryBudgetBytes: number;
  /** Context tokens that fit in the budget for the active model (null when no model is active). */
  readonly fitsTokens: number | null;
  /** Bytes that do not grow with context (SSM + conv state, full sliding windows). */
  readonly fixedBytes: number | null;
  readonly bytesPerToken: number | null;
}

export interface SettingsView {
  readonly settings: AppSettings;
  readonly estimate: ContextEstimate;
  /** True when a saved change (data folder) needs a restart to apply. */
  readonly restartRequired: boolean;
}

export interface DeviceOption {
  readonly device: DevicePreference;
  readonly available: boolean;
  /** Plain-language explanation shown next to the option. */
  readonly detail: string;
}

export interface AppInfo {
  readonly version: string;
  readonly host: 'electron' | 'browser';
  readonly platform: string;
  readonly dataDir: string;
}

// ---------------------------------------------------------------- metrics

export interface RequestMetrics {
  readonly requestId: string;
  readonly conversationId: string;
  readonly finishedAt: number;
  readonly finishReason: FinishReason | 'failed';
  readonly metrics: GenerationMetrics;
}

export interface ThroughputSample {
  readonly at: number;
  readonly prefillTokensPerSec: number;
  readonly decodeTokensPerSec: number;
}

export type EngineState = 'stopped' | 'starting' | 'idle' | 'loading' | 'generating' | 'crashed';

export interface MetricsSnapshot {
  readonly at: number;
  readonly engine: {
    readonly state: EngineState;
    readonly pid: number | null;
    readonly rssBytes: number;
    /** CPU use of the engine process since the previous tick, in percent of one core. */
    readonly cpuPercent: number;
    readonly device: ExecutionDevice | null;
    readonly fallbackReason?: string;
    readonly restarts: number;
  };
  readonly modelId: string | null;
  readonly budgetBytes: number;
  readonly cache: CacheBreakdown;
  readonly contextTokens: number;
  readonly maxContextTokens: number;
  /** The generation running now, with its latest metrics. */
  readonly current: { readonly requestId: string; readonly conversationId: string; readonly metrics: GenerationMetrics | null } | null;
  /** Most recent finished requests, newest last. */
  readonly recent: readonly RequestMetrics[];
  /** Throughput over time (one sample per progress report), newest last. */
  readonly series: readonly ThroughputSample[];
}

// ---------------------------------------------------------------- events

export interface TokenEvent {
  readonly conversationId: string;
  readonly messageId: string;
  readonly requestId: string;
  /** Text appended to the reply. */
  readonly text: string;
}

export interface GenerationFinishedEvent {
  readonly conversationId: string;
  readonly messageId: string;
  readonly requestId: string;
  readonly finishReason: FinishReason;
  readonly message: StoredMessage;
}

export interface GenerationFailedEvent {
  readonly conversationId: string;
  readonly messageId: string;
  readonly requestId: string;
  readonly error: AppError;
  readonly message: StoredMessage;
}

export interface ContextDropEvent {
  readonly conversationId: string;
  readonly messageId: string;
  readonly requestId: string;
  readonly drop: ContextDrop;
  /** Messages now marked droppedFromContext. */
  readonly droppedMessageIds: readonly string[];
}

export interface ConversationsChangedEvent {
  readonly reason: 'created' | 'renamed' | 'deleted' | 'restored' | 'updated';
  readonly conversationId: string;
}
