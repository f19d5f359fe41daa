/**
 * Chat slice: the conversation list, the open conversation, the reply streaming in, the draft and its
 * token count. Pure state and pure reducers; the engine and services own the truth, and each reducer
 * only folds in what the API reported.
 */
import type { AppError } from '../../src-main/contract/errors.ts';
import type {
  ContextDropEvent,
  Conversation,
  ConversationSummary,
  DraftTokenCount,
  GenerationFailedEvent,
  GenerationFinishedEvent,
  GenerationHandle,
  QuarantinedFile,
  SearchHit,
  StoredMessage,
  TokenEvent,
} from '../../src-main/contract/ipc.ts';

export interface ChatState {
  readonly conversations: readonly ConversationSummary[];
  readonly quarantined: readonly QuarantinedFile[];
  readonly listLoaded: boolean;
  readonly openId: string | null;
  /** The open conversation as last reported by the service, plus streamed text folded in. */
  readonly open: Conversation | null;
  /** The generation in flight (one at a time), from the handle the service returned. */
  readonly running: GenerationHandle | null;
  /** Text streamed so far per assistant message id; dropped when the final message arrives. */
  readonly streamed: Readonly<Record<string, string>>;
  readonly draft: string;
  readonly draftCount: DraftTokenCount | null;
  readonly searchQuery: string;
  readonly searchHits: readonly SearchHit[] | null;
  readonly lastDrop: ContextDropEvent | null;
  /** The user message being edited in place. */
  readonly editingMessageId: string | null;
  readonly error: AppError | null;
  /**
   * Bumped by every change the live events make to the open conversation. A fetched copy is applied only
   * if no event changed it while the fetch was in flight, so a slow answer never rolls the view back.
   */
  readonly revision: number;
  /**
   * Final messages of generations that ended before their start call answered (a reply can end at its
   * first token), by request id; `generationStarted` shows them instead of an empty streaming reply.
   */
  readonly endedBeforeStart: Readonly<Record<string, StoredMessage>>;
}

export const initialChatState = (): ChatState => ({
  conversations: [],
  quarantined: [],
  listLoaded: false,
  openId: null,
  open: null,
  running: null,
  streamed: {},
  draft: '',
  draftCount: null,
  searchQuery: '',
  searchHits: null,
  lastDrop: null,
  editingMessageId: null,
  error: null,
  revision: 0,
  endedBeforeStart: {},
});

function withoutKey(record: Readonly<Record<string, string>>, key: string): Record<string, string> {
  const copy = { ...record };
  delete copy[key];
  return copy;
}

function replaceMessage(conversation: Conversation, message: StoredMessage): Conversation {
  const index = conversation.messages.findIndex((m) => m.id === message.id);
  const messages = index === -1 ? [...conversation.messages, message] : conversation.messages.map((m, i) => (i === index ? message : m));
  return { ...conversation, messages };
}

function placeholder(id: string): StoredMessage {
  return { id, role: 'assistant', content: '', createdAt: Date.now(), status: 'streaming' };
}

/**
 * The service's copy of a conversation replaces ours, unless it is stale: fetched at an older revision
 * (pass the revision read when the request was sent; omit it for answers to our own mutations).
 */
export function conversationLoaded(state: ChatState, conversation: Conversation, fetchedAtRevision?: number): ChatState {
  if (state.openId !== conversation.id) return state;
  if (fetchedAtRevision !== undefined && fetchedAtRevision !== state.revision) return state;
  return { ...state, open: conversation };
}

/** What started a generation, as far as the view needs to know. */
export type GenerationStart =
  | { readonly kind: 'send'; readonly content: string }
  | { readonly kind: 'regenerate' }
  | { readonly kind: 'edit'; readonly messageId: string; readonly content: string };

/** Shows a started generation at once: the user's message (new or edited) and an empty reply that streams in. */
export function generationStarted(state: ChatState, handle: GenerationHandle, start: GenerationStart): ChatState {
  const ended = state.endedBeforeStart[handle.requestId];
  let open = state.open;
  if (open && open.id === handle.conversationId) {
    let messages = [...open.messages];
    if (start.kind === 'regenerate') {
      const last = messages[messages.length - 1];
      if (last?.role === 'assistant') messages = messages.slice(0, -1);
    } else if (start.kind === 'edit') {
      const index = messages.findIndex((m) => m.id === start.messageId);
      const edited = messages[index];
      if (edited) messages = [...messages.slice(0, index), { ...edited, content: start.content }];
    } else if (handle.userMessageId) {
      messages.push({ id: handle.userMessageId, role: 'user', content: start.content, createdAt: Date.now(), status: 'complete' });
    }
    messages.push(ended ?? placeholder(handle.assistantMessageId));
    open = { ...open, messages };
  }
  const endedBeforeStart = { ...state.endedBeforeStart };
  delete endedBeforeStart[handle.requestId];
  return { ...state, open, running: ended ? null : handle, endedBeforeStart, editingMessageId: null, error: null, revision: state.revision + 1 };
}

/** True when the generation of this handle already ended (its final message arrived first). */
export function endedBeforeStart(state: ChatState, handle: GenerationHandle): boolean {
  return state.endedBeforeStart[handle.requestId] !== undefined;
}

/** Appends streamed tokens (one frame's worth, in order) to their replies' text. */
export function tokensReceived(state: ChatState, events: readonly TokenEvent[]): ChatState {
  if (events.length === 0) return state;
  const streamed = { ...state.streamed };
  for (const event of events) streamed[event.messageId] = (streamed[event.messageId] ?? '') + event.text;
  return { ...state, streamed };
}

function finished(state: ChatState, requestId: string, conversationId: string, message: StoredMessage): ChatState {
  const streamed = withoutKey(state.streamed, message.id);
  const shown = state.open?.id === conversationId && state.open.messages.some((m) => m.id === message.id);
  if (state.running?.requestId !== requestId && !shown) {
    return { ...state, streamed, endedBeforeStart: { ...state.endedBeforeStart, [requestId]: message } };
  }
  const open = state.open && shown ? replaceMessage(state.open, message) : state.open;
  const running = state.running?.requestId === requestId ? null : state.running;
  return { ...state, open, running, streamed, revision: state.revision + 1 };
}

export function generationFinished(state: ChatState, event: GenerationFinishedEvent): ChatState {
  return finished(state, event.requestId, event.conversationId, event.message);
}

export function generationFailed(state: ChatState, event: GenerationFailedEvent): ChatState {
  return { ...finished(state, event.requestId, event.conversationId, event.message), error: event.error };
}

/** Marks the messages the engine left out of the prompt to fit the budget. */
export function contextDropped(state: ChatState, event: ContextDropEvent): ChatState {
  const dropped = new Set(event.droppedMessageIds);
  const open =
    state.open && state.open.id === event.conversationId
      ? { ...state.open, messages: state.open.messages.map((m) => (dropped.has(m.id) ? { ...m, droppedFromContext: true } : m)) }
      : state.open;
  return { ...state, open, lastDrop: event, revision: state.revision + 1 };
}

/** The text to show for a message: the streamed text while it is being written. */
export function displayedContent(state: ChatState, message: StoredMessage): string {
  const streamed = state.streamed[message.id];
  return message.status === 'streaming' && streamed !== undefined && streamed.length >= message.content.length ? streamed : message.content;
}

export function isGenerating(state: ChatState, conversationId: string | null): boolean {
  return state.running !== null && state.running.conversationId === conversationId;
}
