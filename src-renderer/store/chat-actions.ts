/**
 * Chat actions: call the chat API and fold what it answers into the chat slice. Errors become toasts
 * or the slice's `error`; nothing here tokenizes or samples (the engine does).
 */
import type { AppError, Result } from '../../src-main/contract/errors.ts';
import type { ConversationsChangedEvent, GenerationHandle, SamplingPatch } from '../../src-main/contract/ipc.ts';
import { getSlice, updateSlice } from './app-store.ts';
import { getApi } from './api-binding.ts';
import { conversationLoaded, endedBeforeStart, generationStarted, type GenerationStart } from './chat-slice.ts';
import { errorToast } from './ui-slice.ts';
import { showToast, showView } from './ui-actions.ts';

function fail(error: AppError, prefix?: string): void {
  showToast(errorToast(error, prefix));
}

export async function refreshConversations(): Promise<void> {
  const result = await getApi().chat.listConversations();
  if (!result.ok) return fail(result.error, 'Could not list conversations');
  const { conversations, quarantined } = result.value;
  updateSlice('chat', (s) => ({ ...s, conversations, quarantined, listLoaded: true }));
}

export async function openConversation(conversationId: string): Promise<void> {
  updateSlice('chat', (s) => (s.openId === conversationId ? s : { ...s, openId: conversationId, open: null, draftCount: null, editingMessageId: null, lastDrop: null }));
  showView('chat');
  await reloadConversation(conversationId);
}

/** Fetches the service's copy of a conversation if it is still the open one. */
export async function reloadConversation(conversationId: string): Promise<void> {
  const revision = getSlice('chat').revision;
  const result = await getApi().chat.getConversation({ conversationId });
  if (!result.ok) return fail(result.error, 'Could not open the conversation');
  updateSlice('chat', (s) => conversationLoaded(s, result.value, revision));
  void refreshDraftCount();
}

export async function newConversation(): Promise<string | null> {
  const result = await getApi().chat.createConversation({});
  if (!result.ok) {
    fail(result.error, 'Could not create a conversation');
    return null;
  }
  const conversation = result.value;
  updateSlice('chat', (s) => ({
    ...s,
    openId: conversation.id,
    open: conversation,
    draft: '',
    draftCount: null,
    lastDrop: null,
    searchQuery: '',
    searchHits: null,
    conversations: [
      { id: conversation.id, title: conversation.title, createdAt: conversation.createdAt, updatedAt: conversation.updatedAt, messageCount: 0, preview: '' },
      ...s.conversations.filter((c) => c.id !== conversation.id),
    ],
  }));
  showView('chat');
  void refreshDraftCount();
  return conversation.id;
}

export function setDraft(draft: string): void {
  updateSlice('chat', (s) => ({ ...s, draft }));
}

/** Asks the engine how many tokens the draft and the history take (debounced by the caller). */
export async function refreshDraftCount(): Promise<void> {
  const { openId, draft } = getSlice('chat');
  if (!openId) return;
  const result = await getApi().chat.countDraftTokens({ conversationId: openId, draft });
  if (!result.ok) return;
  updateSlice('chat', (s) => (s.openId === openId && s.draft === draft ? { ...s, draftCount: result.value } : s));
}

async function startGeneration(call: Promise<Result<GenerationHandle>>, start: GenerationStart): Promise<boolean> {
  const result = await call;
  if (!result.ok) {
    updateSlice('chat', (s) => ({ ...s, error: result.error }));
    fail(result.error);
    return false;
  }
  const alreadyEnded = endedBeforeStart(getSlice('chat'), result.value);
  updateSlice('chat', (s) => generationStarted(s, result.value, start));
  if (alreadyEnded) onGenerationEnded(result.value.conversationId);
  return true;
}

/** Sends the draft (creating a conversation first when none is open). */
export async function sendDraft(): Promise<void> {
  const content = getSlice('chat').draft.trim();
  if (!content || getSlice('chat').running) return;
  const conversationId = getSlice('chat').openId ?? (await newConversation());
  if (!conversationId) return;
  updateSlice('chat', (s) => ({ ...s, draft: '', draftCount: null }));
  const started = await startGeneration(getApi().chat.sendMessage({ conversationId, content }), { kind: 'send', content });
  if (!started) updateSlice('chat', (s) => ({ ...s, draft: s.draft === '' ? content : s.draft }));
}

export async function stopGeneration(): Promise<void> {
  const running = getSlice('chat').running;
  if (!running) return;
  const result = await getApi().chat.stopGeneration({ conversationId: running.conversationId });
  if (!result.ok) fail(result.error, 'Could not stop');
}

export async function regenerate(): Promise<void> {
  const { openId, running } = getSlice('chat');
  if (!openId || running) return;
  await startGeneration(getApi().chat.regenerate({ conversationId: openId }), { kind: 'regenerate' });
}

export function startEditing(messageId: string | null): void {
  updateSlice('chat', (s) => ({ ...s, editingMessageId: messageId }));
}

export async function editAndResend(messageId: string, content: string): Promise<void> {
  const { openId, running } = getSlice('chat');
  if (!openId || running || !content.trim()) return;
  await startGeneration(getApi().chat.editAndResend({ conversationId: openId, messageId, content }), { kind: 'edit', messageId, content });
}

export async function renameConversation(conversationId: string, title: string): Promise<void> {
  const trimmed = title.trim();
  if (!trimmed) return;
  const result = await getApi().chat.renameConversation({ conversationId, title: trimmed });
  if (!result.ok) return fail(result.error, 'Could not rename');
  updateSlice('chat', (s) => ({
    ...s,
    open: s.open?.id === conversationId ? { ...s.open, title: result.value.title } : s.open,
    conversations: s.conversations.map((c) => (c.id === conversationId ? { ...c, title: result.value.title } : c)),
  }));
}

/** Deletes at once and offers Undo in a toast (the service keeps the conversation until exit). */
export async function deleteConversation(conversationId: string): Promise<void> {
  const title = getSlice('chat').conversations.find((c) => c.id === conversationId)?.title ?? 'Conversation';
  const result = await getApi().chat.deleteConversation({ conversationId });
  if (!result.ok) return fail(result.error, 'Could not delete');
  const { undoToken } = result.value;
  updateSlice('chat', (s) => ({
    ...s,
    conversations: s.conversations.filter((c) => c.id !== conversationId),
    searchHits: s.searchHits?.filter((h) => h.conversationId !== conversationId) ?? null,
    ...(s.openId === conversationId ? { openId: null, open: null, draftCount: null } : {}),
  }));
  showToast({ kind: 'info', message: `Deleted “${title}”`, actionLabel: 'Undo', onAction: () => void undoDelete(undoToken), timeoutMs: 10_000 });
}

export async function undoDelete(undoToken: string): Promise<void> {
  const result = await getApi().chat.undoDelete({ undoToken });
  if (!result.ok) return fail(result.error, 'Could not restore');
  await refreshConversations();
  await openConversation(result.value.id);
}

export async function setSystemPrompt(systemPrompt: string): Promise<void> {
  const { openId, open } = getSlice('chat');
  if (!openId || open?.systemPrompt === systemPrompt) return;
  const result = await getApi().chat.setSystemPrompt({ conversationId: openId, systemPrompt });
  if (!result.ok) return fail(result.error, 'Could not save the system prompt');
  updateSlice('chat', (s) => (s.open?.id === openId ? { ...s, open: { ...s.open, systemPrompt: result.value.systemPrompt } } : s));
  void refreshDraftCount();
}

export async function setConversationSampling(sampling: SamplingPatch): Promise<void> {
  const openId = getSlice('chat').openId;
  if (!openId) return;
  const result = await getApi().chat.setGenerationSettings({ conversationId: openId, sampling });
  if (!result.ok) return fail(result.error, 'Could not save the generation settings');
  updateSlice('chat', (s) => (s.open?.id === openId ? { ...s, open: { ...s.open, sampling: result.value.sampling } } : s));
}

export async function searchConversations(query: string): Promise<void> {
  updateSlice('chat', (s) => ({ ...s, searchQuery: query, searchHits: query.trim() ? s.searchHits : null }));
  if (!query.trim()) return;
  const result = await getApi().chat.searchConversations({ query });
  if (!result.ok) return fail(result.error, 'Search failed');
  updateSlice('chat', (s) => (s.searchQuery === query ? { ...s, searchHits: result.value } : s));
}

export async function exportConversation(format: 'markdown' | 'json'): Promise<{ fileName: string; mimeType: string; content: string } | null> {
  const openId = getSlice('chat').openId;
  if (!openId) return null;
  const result = await getApi().chat.exportConversation({ conversationId: openId, format });
  if (!result.ok) {
    fail(result.error, 'Export failed');
    return null;
  }
  return result.value;
}

/** After a reply ends: the service's copy is the truth (metrics, drop marks, title). */
export function onGenerationEnded(conversationId: string): void {
  void refreshConversations();
  if (getSlice('chat').openId === conversationId) void reloadConversation(conversationId);
}

export function onConversationsChanged(event: ConversationsChangedEvent): void {
  void refreshConversations();
  if (event.reason === 'deleted' && getSlice('chat').openId === event.conversationId) {
    updateSlice('chat', (s) => ({ ...s, openId: null, open: null }));
  }
}
