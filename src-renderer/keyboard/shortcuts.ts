/**
 * The app's global keyboard shortcuts as a pure mapping from a key event to a command, plus the
 * composer's Enter/Shift+Enter rule. Ctrl on Windows/Linux and Cmd on macOS.
 */

export type ShortcutCommand = 'newChat' | 'search' | 'stop';

/** The fields of a KeyboardEvent the mapping reads. */
export interface KeyChord {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly shiftKey: boolean;
  readonly altKey: boolean;
  readonly isComposing?: boolean;
}

export function isMacPlatform(platform: string): boolean {
  return /mac|iphone|ipad/i.test(platform);
}

/** Returns the global command for a chord, or null. */
export function shortcutFor(chord: KeyChord, mac: boolean): ShortcutCommand | null {
  if (chord.isComposing) return null;
  const primary = mac ? chord.metaKey && !chord.ctrlKey : chord.ctrlKey && !chord.metaKey;
  if (primary && !chord.altKey && !chord.shiftKey) {
    const key = chord.key.toLowerCase();
    if (key === 'n') return 'newChat';
    if (key === 'k') return 'search';
  }
  if (chord.key === 'Escape' && !chord.ctrlKey && !chord.metaKey && !chord.altKey) return 'stop';
  return null;
}

/** In the message box: Enter sends, Shift+Enter (or an IME composition) inserts a newline. */
export function composerAction(chord: KeyChord): 'send' | 'newline' | null {
  if (chord.key !== 'Enter') return null;
  if (chord.isComposing) return null;
  return chord.shiftKey || chord.altKey ? 'newline' : 'send';
}
