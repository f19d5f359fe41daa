/** Export of one conversation as Markdown (for reading) or JSON (the stored format, for re-import). */
import type { Conversation, ExportedConversation, ExportFormat } from '../../contract/api-types.ts';
import { serializeConversation } from './conversation-file.ts';

function safeFileStem(title: string): string {
  const stem = title.replace(/[^\p{L}\p{N} _-]+/gu, '').trim().replace(/\s+/g, '-').slice(0, 60);
  return stem || 'conversation';
}

export function conversationToMarkdown(conversation: Conversation): string {
  const lines = [`# ${conversation.title}`, '', `_Exported ${new Date().toISOString()} from Hymba Desk._`, ''];
  if (conversation.systemPrompt.trim()) lines.push('## System', '', conversation.systemPrompt.trim(), '');
  for (const message of conversation.messages) {
    const heading = message.role === 'user' ? 'User' : 'Assistant';
    const note = message.status === 'complete' ? '' : ` _(${message.status})_`;
    lines.push(`## ${heading}${note}`, '', message.content, '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

export function exportConversation(conversation: Conversation, format: ExportFormat): ExportedConversation {
  const stem = safeFileStem(conversation.title);
  return format === 'markdown'
    ? { fileName: `${stem}.md`, mimeType: 'text/markdown', content: conversationToMarkdown(conversation) }
    : { fileName: `${stem}.json`, mimeType: 'application/json', content: serializeConversation(conversation) };
}
