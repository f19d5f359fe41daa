/** Per-conversation settings: system prompt, generation settings and export. */
import { useEffect, useState } from 'react';
import { useApp } from '../../store/app-store.ts';
import { exportConversation, setConversationSampling, setSystemPrompt } from '../../store/chat-actions.ts';
import { toggleSidePanel } from '../../store/ui-actions.ts';
import { CloseIcon, DownloadIcon } from '../common/icons.tsx';
import { SamplingFields } from '../common/sampling-fields.tsx';

function download(fileName: string, mimeType: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function ChatSidePanel() {
  const conversationId = useApp((s) => s.chat.open?.id ?? null);
  const systemPrompt = useApp((s) => s.chat.open?.systemPrompt ?? '');
  const sampling = useApp((s) => s.chat.open?.sampling ?? null);
  const mode = useApp((s) => s.models.active?.mode ?? null);
  const [prompt, setPrompt] = useState(systemPrompt);
  useEffect(() => setPrompt(systemPrompt), [systemPrompt, conversationId]);

  const doExport = async (format: 'markdown' | 'json'): Promise<void> => {
    const exported = await exportConversation(format);
    if (exported) download(exported.fileName, exported.mimeType, exported.content);
  };

  return (
    <aside className="side-panel" aria-label="Conversation settings" data-testid="side-panel">
      <div className="side-panel-header">
        <h2>Conversation</h2>
        <button type="button" className="icon-button" aria-label="Close settings panel" onClick={toggleSidePanel}>
          <CloseIcon />
        </button>
      </div>
      {!conversationId || !sampling ? (
        <p className="faint side-panel-empty">Open or start a chat to set its system prompt and generation settings.</p>
      ) : (
        <div className="side-panel-body">
          <section className="panel-section">
            <label className="field-label" htmlFor="system-prompt">
              System prompt
            </label>
            {mode === 'completion' ? <p className="faint small-note">Base models do plain completion: the system prompt is not used.</p> : null}
            <textarea
              id="system-prompt"
              className="textarea"
              data-testid="system-prompt"
              rows={5}
              placeholder="You are a helpful assistant."
              value={prompt}
              onChange={(event) => setPrompt(event.target.value)}
              onBlur={() => void setSystemPrompt(prompt)}
            />
          </section>
          <section className="panel-section">
            <h3>Generation</h3>
            <SamplingFields value={sampling} onChange={(patch) => void setConversationSampling(patch)} />
          </section>
          <section className="panel-section">
            <h3>Export</h3>
            <div className="button-row">
              <button type="button" className="button small" onClick={() => void doExport('markdown')}>
                <DownloadIcon /> Markdown
              </button>
              <button type="button" className="button small" onClick={() => void doExport('json')}>
                <DownloadIcon /> JSON
              </button>
            </div>
          </section>
        </div>
      )}
    </aside>
  );
}
