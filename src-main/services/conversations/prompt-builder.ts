/**
 * Turns a conversation into engine input. Instruct models get the chat messages (the engine applies the
 * model's chat template); Base models get a plain-text completion prompt: the system prompt, then the
 * earlier turns as plain paragraphs, ending with the text to continue (with its transcript, so the engine can
 * drop the oldest turns when the conversation outgrows the context).
 */
import type { Conversation, ConversationMode, StoredMessage } from '../../contract/api-types.ts';
import { transcriptPrompt, type ChatMessage, type GenerationInput, type ModelKind } from '../../contract/domain.ts';

export function modeForKind(kind: ModelKind): ConversationMode {
  return kind === 'instruct' ? 'chat' : 'completion';
}

/** Messages that go into the prompt: finished turns and the text of cancelled or interrupted replies. */
export function promptMessages(messages: readonly StoredMessage[]): StoredMessage[] {
  return messages.filter((m) => m.status !== 'failed' && !(m.role === 'assistant' && m.content === ''));
}

/**
 * @param history messages up to and including the last user message (the reply being written is not included)
 */
export function buildGenerationInput(conversation: Conversation, history: readonly StoredMessage[], mode: ConversationMode): GenerationInput {
  const turns = promptMessages(history);
  if (mode === 'chat') {
    const messages: ChatMessage[] = [];
    if (conversation.systemPrompt.trim()) messages.push({ role: 'system', content: conversation.systemPrompt });
    for (const m of turns) messages.push({ role: m.role, content: m.content });
    return { mode: 'chat', messages };
  }
  const transcript = { head: conversation.systemPrompt, turns: turns.map((m) => m.content) };
  return { mode: 'completion', prompt: transcriptPrompt(transcript), transcript };
}
