/** The app shell: navigation rail, the current view, toasts, theme and global keyboard shortcuts. */
import { useEffect, type ReactNode } from 'react';
import { isMacPlatform, shortcutFor } from '../keyboard/shortcuts.ts';
import { getSlice, useApp } from '../store/app-store.ts';
import { newConversation, stopGeneration } from '../store/chat-actions.ts';
import { requestComposerFocus, requestSearchFocus, showView } from '../store/ui-actions.ts';
import type { ViewName } from '../store/ui-slice.ts';
import { ChatView } from './chat/chat-view.tsx';
import { ChatIcon, DashboardIcon, LogoMark, ModelsIcon, SettingsIcon } from './common/icons.tsx';
import { Toasts } from './common/toasts.tsx';
import { DashboardView } from './dashboard/dashboard-view.tsx';
import { ModelsView } from './models/models-view.tsx';
import { SettingsView } from './settings/settings-view.tsx';

const NAV: { view: ViewName; label: string; icon: ReactNode }[] = [
  { view: 'chat', label: 'Chat', icon: <ChatIcon /> },
  { view: 'models', label: 'Models', icon: <ModelsIcon /> },
  { view: 'dashboard', label: 'Dashboard', icon: <DashboardIcon /> },
  { view: 'settings', label: 'Settings', icon: <SettingsIcon /> },
];

function useTheme(): void {
  const theme = useApp((s) => s.settings.view?.settings.theme ?? 'system');
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
}

function useGlobalShortcuts(): void {
  useEffect(() => {
    const mac = isMacPlatform(navigator.platform);
    const onKey = (event: KeyboardEvent): void => {
      const command = shortcutFor(event, mac);
      if (command === 'newChat') {
        event.preventDefault();
        void newConversation().then((id) => id && requestComposerFocus());
      } else if (command === 'search') {
        event.preventDefault();
        requestSearchFocus();
      } else if (command === 'stop' && getSlice('chat').running) {
        event.preventDefault();
        void stopGeneration();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

function NavRail() {
  const view = useApp((s) => s.ui.view);
  const generating = useApp((s) => s.chat.running !== null);
  return (
    <nav className="nav-rail" aria-label="Main">
      <div className="nav-logo" title="Hymba Desk">
        <LogoMark />
      </div>
      {NAV.map((item) => (
        <button
          key={item.view}
          type="button"
          className={`nav-item${view === item.view ? ' active' : ''}`}
          aria-current={view === item.view ? 'page' : undefined}
          data-testid={`nav-${item.view}`}
          onClick={() => showView(item.view)}
        >
          {item.icon}
          <span className="nav-label">{item.label}</span>
          {item.view === 'dashboard' && generating ? <span className="nav-live" aria-label="Generating" /> : null}
        </button>
      ))}
    </nav>
  );
}

function ConnectionBanner() {
  const connection = useApp((s) => s.ui.connection);
  if (connection !== 'lost') return null;
  return (
    <div className="connection-banner" role="alert">
      Lost the connection to the Hymba Desk engine host. Reconnecting…
    </div>
  );
}

export function App() {
  const view = useApp((s) => s.ui.view);
  const fatal = useApp((s) => s.ui.fatal);
  useTheme();
  useGlobalShortcuts();
  if (fatal) {
    return (
      <div className="fatal card">
        <LogoMark />
        <h1>Hymba Desk cannot start</h1>
        <p>{fatal}</p>
      </div>
    );
  }
  return (
    <div className="app" data-testid="app" data-view={view}>
      <NavRail />
      <main className="app-main">
        <ConnectionBanner />
        {view === 'chat' ? <ChatView /> : null}
        {view === 'models' ? <ModelsView /> : null}
        {view === 'dashboard' ? <DashboardView /> : null}
        {view === 'settings' ? <SettingsView /> : null}
      </main>
      <Toasts />
    </div>
  );
}
