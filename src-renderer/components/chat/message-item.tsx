/** One message: Markdown for replies, plain text for the user, status, metrics, and its actions. */
import { memo, useState } from 'react';
import type { ConversationMode, StoredMessage } from '../../../src-main/contract/ipc.ts';
import { MarkdownView } from '../../markdown/markdown-view.tsx';
import { useApp } from '../../store/app-store.ts';
import { displayedContent } from '../../store/chat-slice.ts';
import { editAndResend, regenerate, startEditing } from '../../store/chat-actions.ts';
import { formatMs, formatRate } from '../common/format.ts';
import { EditIcon, RefreshIcon, WarningIcon } from '../common/icons.tsx';

const STATUS_LABEL: Partial<Record<StoredMessage['status'], string>> = {
  cancelled: 'Stopped',
  failed: 'Failed',
  interrupted: 'Interrupted (the app closed while this reply was written)',
};

function EditBox({ message }: { message: StoredMessage }) {
  const [text, setText] = useState(message.content);
  return (
    <div className="edit-box">
      <textarea
        className="textarea"
        aria-label="Edit message"
        data-testid="edit-input"
        value={text}
        autoFocus
        rows={Math.min(10, Math.max(2, text.split('\n').length))}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.stopPropagation();
            startEditing(null);
          }
          if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
            event.preventDefault();
            void editAndResend(message.id, text);
          }
        }}
      />
      <div className="edit-actions">
        <button type="button" className="button small" onClick={() => startEditing(null)}>
          Cancel
        </button>
        <button type="button" className="button primary small" data-testid="edit-send" disabled={!text.trim()} onClick={() => void editAndResend(message.id, text)}>
          Save &amp; send
        </button>
      </div>
    </div>
  );
}

export interface MessageItemProps {
  readonly message: StoredMessage;
  readonly isLastReply: boolean;
  readonly mode: ConversationMode | null;
  readonly busy: boolean;
}

export const MessageItem = memo(function MessageItem({ message, isLastReply, mode, busy }: MessageItemProps) {
  const content = useApp((s) => displayedContent(s.chat, message));
  const editing = useApp((s) => s.chat.editingMessageId === message.id);
  const isUser = message.role === 'user';
  const streaming = message.status === 'streaming';
  const metrics = message.metrics;
  const statusLabel = STATUS_LABEL[message.status];
  const author = isUser ? 'You' : mode === 'completion' ? 'Completion' : 'Hymba';
  return (
    <article
      className={`message message-${message.role}${message.droppedFromContext ? ' dropped' : ''}`}
      data-testid="message"
      data-role={message.role}
      data-status={message.status}
      data-message-id={message.id}
    >
      <div className="message-avatar" aria-hidden="true">
        {isUser ? 'You'.slice(0, 1) : 'H'}
      </div>
      <div className="message-body">
        <header className="message-header">
          <span className="message-author">{author}</span>
          {message.droppedFromContext ? (
            <span className="badge warning" data-testid="dropped-marker" title="Left out of the latest prompt so the context fits the memory budget">
              <WarningIcon /> Not in context
            </span>
          ) : null}
          {statusLabel ? <span className={`badge ${message.status === 'cancelled' ? '' : 'danger'}`}>{statusLabel}</span> : null}
        </header>
        {editing ? (
          <EditBox message={message} />
        ) : (
          <div className="message-content" data-testid="message-content">
            {isUser ? <p className="plain-text">{content}</p> : <MarkdownView source={content} />}
            {streaming ? <span className="typing-caret" data-testid="streaming-caret" aria-label="Writing" /> : null}
            {streaming && content === '' ? <span className="faint thinking">Thinking…</span> : null}
            {!streaming && !isUser && content === '' && !message.error ? <span className="faint">(no text: the model ended its reply at once)</span> : null}
          </div>
        )}
        {message.error ? <div className="error-text message-error">{message.error.message}</div> : null}
        {!streaming && !editing ? (
          <footer className="message-footer">
            {metrics ? (
              <span className="message-metrics faint">
                {metrics.generatedTokens} tokens · {formatRate(metrics.decodeTokensPerSec)} tok/s · first token {formatMs(metrics.ttftMs)}
              </span>
            ) : null}
            <span className="message-actions">
              {isUser ? (
                <button type="button" className="icon-button" aria-label="Edit and resend" data-testid="edit-button" disabled={busy} onClick={() => startEditing(message.id)}>
                  <EditIcon />
                </button>
              ) : null}
              {!isUser && isLastReply ? (
                <button type="button" className="icon-button" aria-label="Regenerate" data-testid="regenerate-button" disabled={busy} onClick={() => void regenerate()}>
                  <RefreshIcon />
                </button>
              ) : null}
            </span>
          </footer>
        ) : null}
      </div>
    </article>
  );
});
