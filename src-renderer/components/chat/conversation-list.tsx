/** The conversation sidebar: new chat, search (Ctrl/Cmd+K), the list with rename and delete. */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { ConversationSummary } from '../../../src-main/contract/ipc.ts';
import { useApp } from '../../store/app-store.ts';
import { deleteConversation, newConversation, openConversation, renameConversation, searchConversations } from '../../store/chat-actions.ts';
import { requestComposerFocus } from '../../store/ui-actions.ts';
import { formatRelativeTime } from '../common/format.ts';
import { EditIcon, PlusIcon, SearchIcon, TrashIcon } from '../common/icons.tsx';

/** The last Ctrl/Cmd+K request acted on, kept across mounts so a remount does not replay an old request. */
let handledSearchFocus = 0;

function ConversationItem({ summary, active }: { summary: ConversationSummary; active: boolean }) {
  const [renaming, setRenaming] = useState(false);
  const [title, setTitle] = useState(summary.title);
  const beginRename = (): void => {
    setTitle(summary.title);
    setRenaming(true);
  };
  const finishRename = (save: boolean): void => {
    setRenaming(false);
    if (save && title.trim() && title !== summary.title) void renameConversation(summary.id, title);
    else setTitle(summary.title);
  };
  const onKey = (event: KeyboardEvent<HTMLInputElement>): void => {
    if (event.key === 'Enter') finishRename(true);
    if (event.key === 'Escape') {
      event.stopPropagation();
      finishRename(false);
    }
  };
  return (
    <li className={`conversation-item${active ? ' active' : ''}`} data-testid="conversation-item" data-conversation-id={summary.id}>
      {renaming ? (
        <input
          className="input rename-input"
          aria-label="Conversation title"
          data-testid="rename-input"
          value={title}
          autoFocus
          maxLength={200}
          onChange={(event) => setTitle(event.target.value)}
          onKeyDown={onKey}
          onBlur={() => finishRename(true)}
        />
      ) : (
        <button type="button" className="conversation-open" onClick={() => void openConversation(summary.id)} onDoubleClick={beginRename}>
          <span className="conversation-title" data-testid="conversation-title">
            {summary.title}
          </span>
          <span className="conversation-meta">
            {summary.messageCount === 0 ? <span className="faint conversation-preview">No messages yet</span> : <span className="conversation-preview">{summary.preview}</span>}
            <span className="conversation-time">{formatRelativeTime(summary.updatedAt, Date.now())}</span>
          </span>
        </button>
      )}
      {!renaming ? (
        <span className="conversation-actions">
          <button type="button" className="icon-button" aria-label={`Rename ${summary.title}`} data-testid="conversation-rename" onClick={beginRename}>
            <EditIcon />
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label={`Delete ${summary.title}`}
            data-testid="conversation-delete"
            onClick={() => void deleteConversation(summary.id)}
          >
            <TrashIcon />
          </button>
        </span>
      ) : null}
    </li>
  );
}

export function ConversationList() {
  const conversations = useApp((s) => s.chat.conversations);
  const openId = useApp((s) => s.chat.openId);
  const query = useApp((s) => s.chat.searchQuery);
  const hits = useApp((s) => s.chat.searchHits);
  const quarantined = useApp((s) => s.chat.quarantined);
  const focusRequest = useApp((s) => s.ui.searchFocusRequest);
  const searchRef = useRef<HTMLInputElement>(null);
  const [text, setText] = useState(query);

  useEffect(() => {
    if (focusRequest > handledSearchFocus) {
      handledSearchFocus = focusRequest;
      searchRef.current?.focus();
      searchRef.current?.select();
    }
  }, [focusRequest]);

  useEffect(() => {
    const timer = window.setTimeout(() => void searchConversations(text), 200);
    return () => window.clearTimeout(timer);
  }, [text]);

  const startNew = async (): Promise<void> => {
    if (await newConversation()) requestComposerFocus();
  };

  return (
    <aside className="conversation-panel" aria-label="Conversations">
      <div className="conversation-panel-header">
        <h2>Chats</h2>
        <button type="button" className="button primary small" data-testid="new-chat" onClick={() => void startNew()} title="New chat (Ctrl/Cmd+N)">
          <PlusIcon /> New
        </button>
      </div>
      <label className="search-box">
        <SearchIcon />
        <input
          ref={searchRef}
          type="search"
          placeholder="Search chats  (Ctrl+K)"
          aria-label="Search conversations"
          data-testid="conversation-search"
          value={text}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape' && text) {
              event.stopPropagation();
              setText('');
            }
          }}
        />
      </label>
      {quarantined.length > 0 ? (
        <div className="notice warning" role="alert">
          {quarantined.length} conversation file{quarantined.length > 1 ? 's' : ''} could not be read and {quarantined.length > 1 ? 'were' : 'was'} set aside:{' '}
          {quarantined.map((q) => q.fileName).join(', ')}
        </div>
      ) : null}
      {hits && text.trim() ? (
        <ul className="conversation-list" data-testid="search-results">
          {hits.length === 0 ? <li className="empty-note">No matches</li> : null}
          {hits.map((hit) => (
            <li key={`${hit.conversationId}-${hit.messageId ?? 'title'}`} className="conversation-item">
              <button type="button" className="conversation-open" onClick={() => void openConversation(hit.conversationId)} data-testid="search-hit">
                <span className="conversation-title">{hit.title}</span>
                <span className="conversation-preview">{hit.snippet}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <ul className="conversation-list">
          {conversations.length === 0 ? <li className="empty-note">No chats yet. Start one with New or Ctrl+N.</li> : null}
          {conversations.map((summary) => (
            <ConversationItem key={summary.id} summary={summary} active={summary.id === openId} />
          ))}
        </ul>
      )}
    </aside>
  );
}
