import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composerAction, isMacPlatform, shortcutFor, type KeyChord } from './shortcuts.ts';

const chord = (key: string, mods: Partial<KeyChord> = {}): KeyChord => ({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });

test('Ctrl on Linux/Windows and Cmd on macOS', () => {
  assert.equal(shortcutFor(chord('n', { ctrlKey: true }), false), 'newChat');
  assert.equal(shortcutFor(chord('K', { ctrlKey: true }), false), 'search');
  assert.equal(shortcutFor(chord('n', { metaKey: true }), false), null);
  assert.equal(shortcutFor(chord('n', { metaKey: true }), true), 'newChat');
  assert.equal(shortcutFor(chord('n', { ctrlKey: true }), true), null);
  assert.equal(shortcutFor(chord('n', { ctrlKey: true, shiftKey: true }), false), null);
  assert.equal(shortcutFor(chord('n'), false), null);
});

test('Escape stops; composition is ignored', () => {
  assert.equal(shortcutFor(chord('Escape'), false), 'stop');
  assert.equal(shortcutFor(chord('k', { ctrlKey: true, isComposing: true }), false), null);
});

test('Enter sends, Shift+Enter is a newline', () => {
  assert.equal(composerAction(chord('Enter')), 'send');
  assert.equal(composerAction(chord('Enter', { shiftKey: true })), 'newline');
  assert.equal(composerAction(chord('Enter', { isComposing: true })), null);
  assert.equal(composerAction(chord('a')), null);
  assert.equal(isMacPlatform('MacIntel'), true);
  assert.equal(isMacPlatform('Linux x86_64'), false);
});
