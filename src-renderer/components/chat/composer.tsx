/**
 * The message box: Enter sends, Shift+Enter adds a line, Esc stops. Shows the draft's token count and
 * the context gauge (both counted by the engine, debounced while typing).
 */
import { useEffect, useRef } from 'react';
import { composerAction } from '../../keyboard/shortcuts.ts';
import { useApp } from '../../store/app-store.ts';
import { refreshDraftCount, sendDraft, setDraft, stopGeneration } from '../../store/chat-actions.ts';
import { SendIcon, StopIcon } from '../common/icons.tsx';
import { ContextGauge } from './context-gauge.tsx';

const MAX_ROWS = 12;
/** The last focus request acted on, kept across mounts so a remount does not replay an old request. */
let handledFocusRequest = 0;

export function Composer() {
  const draft = useApp((s) => s.chat.draft);
  const running = useApp((s) => s.chat.running !== null);
  const openId = useApp((s) => s.chat.openId);
  const count = useApp((s) => s.chat.draftCount);
  const mode = useApp((s) => s.models.active?.mode ?? null);
  const modelReady = useApp((s) => s.models.active?.status === 'ready');
  const focusRequest = useApp((s) => s.ui.composerFocusRequest);
  const inputRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    if (focusRequest <= handledFocusRequest) return;
    handledFocusRequest = focusRequest;
    inputRef.current?.focus();
  }, [focusRequest]);

  useEffect(() => {
    const focused = document.activeElement;
    if (!focused || focused === document.body) inputRef.current?.focus();
  }, [openId]);

  useEffect(() => {
    const timer = window.setTimeout(() => void refreshDraftCount(), 300);
    return () => window.clearTimeout(timer);
  }, [draft, openId]);

  const rows = Math.min(MAX_ROWS, Math.max(1, draft.split('\n').length));
  const placeholder =
    mode === 'completion' ? 'Write the start of a text — the Base model continues it…' : 'Message Hymba…  (Enter to send, Shift+Enter for a new line)';
  return (
    <div className="composer">
      <div className={`composer-box${running ? ' busy' : ''}`}>
        <textarea
          ref={inputRef}
          className="composer-input"
          aria-label="Message"
          data-testid="composer-input"
          placeholder={placeholder}
          rows={rows}
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={(event) => {
            const action = composerAction({ ...event, isComposing: event.nativeEvent.isComposing });
            if (action === 'send') {
              event.preventDefault();
              if (!running) void sendDraft();
            }
          }}
        />
        {running ? (
          <button type="button" className="button danger composer-button" data-testid="stop-button" onClick={() => void stopGeneration()} title="Stop (Esc)">
            <StopIcon /> Stop
          </button>
        ) : (
          <button
            type="button"
            className="button primary composer-button"
            data-testid="send-button"
            disabled={!draft.trim() || !modelReady}
            onClick={() => void sendDraft()}
            title={modelReady ? 'Send (Enter)' : 'No model is loaded'}
          >
            <SendIcon /> Send
          </button>
        )}
      </div>
      <div className="composer-footer">
        <span className="draft-tokens" data-testid="draft-tokens">
          {count ? `${count.draftTokens} token${count.draftTokens === 1 ? '' : 's'} in draft` : draft ? 'Counting…' : ''}
        </span>
        <ContextGauge count={count} />
      </div>
    </div>
  );
}
