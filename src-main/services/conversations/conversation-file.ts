/**
 * The on-disk format of one conversation (`<dataDir>/conversations/<id>.json`) and its strict reader.
 * A file that fails `parseConversationFile` is quarantined by the store.
 */
import type { Conversation, StoredMessage } from '../../contract/api-types.ts';
import { DEFAULT_SAMPLING } from '../../contract/domain.ts';

export const CONVERSATION_FORMAT = 'hymba-conversation';
export const CONVERSATION_FORMAT_VERSION = 1;

export interface ConversationFile {
  readonly format: typeof CONVERSATION_FORMAT;
  readonly version: number;
  readonly conversation: Conversation;
}

export function serializeConversation(conversation: Conversation): string {
  const file: ConversationFile = { format: CONVERSATION_FORMAT, version: CONVERSATION_FORMAT_VERSION, conversation };
  return `${JSON.stringify(file, null, 1)}\n`;
}

const STATUSES = new Set(['complete', 'streaming', 'cancelled', 'failed', 'interrupted']);

function isMessage(value: unknown): value is StoredMessage {
  const m = value as StoredMessage;
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof m.id === 'string' &&
    (m.role === 'user' || m.role === 'assistant') &&
    typeof m.content === 'string' &&
    typeof m.createdAt === 'number' &&
    STATUSES.has(m.status)
  );
}

/**
 * Parses a conversation file. A reply still marked `streaming` was cut off by a crash or kill: it is
 * returned as `interrupted` (its text so far is kept).
 */
export function parseConversationFile(text: string, expectedId: string): { ok: true; conversation: Conversation } | { ok: false; reason: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (caught) {
    return { ok: false, reason: `not JSON (${caught instanceof Error ? caught.message : String(caught)})` };
  }
  const file = parsed as ConversationFile;
  if (typeof file !== 'object' || file === null || file.format !== CONVERSATION_FORMAT) return { ok: false, reason: 'not a conversation file' };
  if (file.version > CONVERSATION_FORMAT_VERSION) return { ok: false, reason: `written by a newer version (format ${file.version})` };
  const c = file.conversation;
  if (typeof c !== 'object' || c === null || c.id !== expectedId || typeof c.title !== 'string' || !Array.isArray(c.messages)) {
    return { ok: false, reason: 'missing or mismatched conversation fields' };
  }
  if (!c.messages.every(isMessage)) return { ok: false, reason: 'a message is malformed' };
  const messages = c.messages.map((m) => (m.status === 'streaming' ? { ...m, status: 'interrupted' as const } : m));
  return {
    ok: true,
    conversation: {
      id: c.id,
      title: c.title,
      createdAt: Number(c.createdAt) || 0,
      updatedAt: Number(c.updatedAt) || 0,
      systemPrompt: typeof c.systemPrompt === 'string' ? c.systemPrompt : '',
      sampling: { ...DEFAULT_SAMPLING, ...(typeof c.sampling === 'object' && c.sampling !== null ? c.sampling : {}) },
      messages,
    },
  };
}
