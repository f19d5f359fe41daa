/** The chat screen: conversations | header + messages + composer | conversation settings. */
import { useApp } from '../../store/app-store.ts';
import { setDraft } from '../../store/chat-actions.ts';
import { showView, toggleSidePanel, requestComposerFocus } from '../../store/ui-actions.ts';
import { SlidersIcon } from '../common/icons.tsx';
import { ChatSidePanel } from './chat-side-panel.tsx';
import { Composer } from './composer.tsx';
import { ConversationList } from './conversation-list.tsx';
import { MessageList } from './message-list.tsx';
import { ModeBadge } from './mode-badge.tsx';

const SUGGESTIONS = ['Explain what a hybrid attention + SSM model is.', 'Write a haiku about local AI.', 'Give me three tips for clear technical writing.'];

function EmptyChat() {
  const mode = useApp((s) => s.models.active?.mode ?? null);
  const status = useApp((s) => s.models.active?.status ?? 'none');
  return (
    <div className="empty-chat">
      <h1>What can I help with?</h1>
      <p className="muted">Everything runs on this computer. Nothing leaves it.</p>
      {status === 'none' || status === 'failed' ? (
        <button type="button" className="button primary" onClick={() => showView('models')}>
          Choose a model
        </button>
      ) : mode === 'completion' ? (
        <p className="muted">A Base model is active: write the beginning of a text and it will continue it.</p>
      ) : (
        <div className="suggestions">
          {SUGGESTIONS.map((text) => (
            <button
              key={text}
              type="button"
              className="suggestion card"
              onClick={() => {
                setDraft(text);
                requestComposerFocus();
              }}
            >
              {text}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

export function ChatView() {
  const title = useApp((s) => s.chat.open?.title ?? null);
  const hasMessages = useApp((s) => (s.chat.open?.messages.length ?? 0) > 0);
  const panelOpen = useApp((s) => s.ui.sidePanelOpen);
  return (
    <div className={`chat-view${panelOpen ? ' with-panel' : ''}`}>
      <ConversationList />
      <section className="chat-main" aria-label="Chat">
        <header className="chat-header">
          <h1 className="chat-title" data-testid="chat-title">
            {title ?? 'New chat'}
          </h1>
          <ModeBadge />
          <button type="button" className={`icon-button${panelOpen ? ' pressed' : ''}`} aria-label="Conversation settings" aria-pressed={panelOpen} onClick={toggleSidePanel}>
            <SlidersIcon />
          </button>
        </header>
        {hasMessages ? <MessageList /> : <EmptyChat />}
        <Composer />
      </section>
      {panelOpen ? <ChatSidePanel /> : null}
    </div>
  );
}
