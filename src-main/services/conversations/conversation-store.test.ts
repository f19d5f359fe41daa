import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConversationStore } from './conversation-store.ts';
import { DEFAULT_SAMPLING } from '../../contract/domain.ts';
import type { StoredMessage } from '../../contract/api-types.ts';
import { exportConversation } from './conversation-export.ts';

async function withStore(run: (store: ConversationStore, folder: string) => Promise<void>): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'hymba-conversations-'));
  try {
    const store = new ConversationStore(folder);
    await store.load();
    await run(store, folder);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const message = (id: string, role: 'user' | 'assistant', content: string, status: StoredMessage['status'] = 'complete'): StoredMessage => ({
  id,
  role,
  content,
  createdAt: 1,
  status,
});

test('conversations persist and reload from disk', async () => {
  await withStore(async (store, folder) => {
    const created = await store.create('First chat', DEFAULT_SAMPLING);
    await store.update(created.id, (c) => ({ ...c, messages: [message('m1', 'user', 'Hello there')] }));
    const reopened = new ConversationStore(folder);
    assert.deepEqual(await reopened.load(), []);
    assert.deepEqual(reopened.get(created.id).messages.map((m) => m.content), ['Hello there']);
    assert.equal(reopened.list()[0]?.preview, 'Hello there');
  });
});

test('a reply cut off by a crash keeps earlier messages and loads as interrupted', async () => {
  await withStore(async (store, folder) => {
    const c = await store.create('Crash', DEFAULT_SAMPLING);
    await store.update(c.id, (x) => ({ ...x, messages: [message('u1', 'user', 'Q1'), message('a1', 'assistant', 'A1'), message('u2', 'user', 'Q2'), message('a2', 'assistant', '', 'streaming')] }));
    // Tokens streamed after the last write live only in memory: a kill now loses just them.
    store.replaceInMemory({ ...store.get(c.id), messages: [...store.get(c.id).messages.slice(0, 3), message('a2', 'assistant', 'partial', 'streaming')] });
    // A crash mid-write leaves a temp file beside the real one; it is ignored and removed.
    writeFileSync(join(folder, `.${c.id}.json.abc.tmp`), '{"truncated');
    const reopened = new ConversationStore(folder);
    assert.deepEqual(await reopened.load(), []);
    const messages = reopened.get(c.id).messages;
    assert.deepEqual(messages.map((m) => [m.content, m.status]), [['Q1', 'complete'], ['A1', 'complete'], ['Q2', 'complete'], ['', 'interrupted']]);
    assert.equal(readdirSync(folder).some((n) => n.endsWith('.tmp')), false);
  });
});

test('writes are atomic: the file on disk is always a complete previous or next version', async () => {
  await withStore(async (store, folder) => {
    const c = await store.create('Many writes', DEFAULT_SAMPLING);
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < 20; i++) pending.push(store.update(c.id, (x) => ({ ...x, messages: [...x.messages, message(`m${i}`, 'user', `text ${i}`)] })));
    const file = join(folder, `${c.id}.json`);
    while (pending.length) {
      const parsed = JSON.parse(readFileSync(file, 'utf8'));
      assert.equal(parsed.format, 'hymba-conversation');
      await pending.shift();
    }
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).conversation.messages.length, 20);
  });
});

test('corrupted files are quarantined and reported while the rest loads', async () => {
  await withStore(async (store, folder) => {
    const good = await store.create('Good', DEFAULT_SAMPLING);
    writeFileSync(join(folder, 'broken.json'), '{"format":"hymba-conversation","version":1,"conversation":');
    writeFileSync(join(folder, 'wrongid.json'), JSON.stringify({ format: 'hymba-conversation', version: 1, conversation: { id: 'other', title: 't', messages: [] } }));
    const reopened = new ConversationStore(folder);
    const quarantined = await reopened.load();
    assert.deepEqual(quarantined.map((q) => q.fileName).sort(), ['broken.json', 'wrongid.json']);
    assert.ok(quarantined.every((q) => existsSync(q.movedTo)));
    assert.equal(existsSync(join(folder, 'broken.json')), false);
    assert.deepEqual(reopened.list().map((c) => c.id), [good.id]);
    assert.equal(reopened.quarantined.length, 2);
  });
});

test('delete moves the conversation aside and undo restores it; the trash is emptied at the next launch', async () => {
  await withStore(async (store, folder) => {
    const c = await store.create('Keep me', DEFAULT_SAMPLING);
    await store.update(c.id, (x) => ({ ...x, messages: [message('m1', 'user', 'important')] }));
    const token = await store.delete(c.id);
    assert.equal(store.has(c.id), false);
    assert.equal(existsSync(join(folder, `${c.id}.json`)), false);
    const restored = await store.undoDelete(token);
    assert.equal(restored.messages[0]?.content, 'important');
    assert.equal(existsSync(join(folder, `${c.id}.json`)), true);
    await assert.rejects(store.undoDelete(token), /Nothing to undo/);
    await store.delete(c.id);
    const reopened = new ConversationStore(folder);
    await reopened.load();
    assert.equal(reopened.has(c.id), false);
    assert.equal(existsSync(join(folder, 'trash')), false);
  });
});

test('search finds titles and message text; export writes Markdown and JSON', async () => {
  await withStore(async (store) => {
    const a = await store.create('Rust questions', DEFAULT_SAMPLING);
    const b = await store.create('Cooking', DEFAULT_SAMPLING);
    await store.update(b.id, (x) => ({ ...x, systemPrompt: 'Be brief.', messages: [message('u', 'user', 'How long to boil an egg?'), message('r', 'assistant', 'About nine minutes.')] }));
    assert.deepEqual(store.search('rust').map((h) => h.conversationId), [a.id]);
    const hit = store.search('BOIL')[0];
    assert.equal(hit?.messageId, 'u');
    const markdown = exportConversation(store.get(b.id), 'markdown');
    assert.equal(markdown.fileName, 'Cooking.md');
    assert.match(markdown.content, /## System\n\nBe brief\.\n\n## User\n\nHow long to boil an egg\?\n\n## Assistant\n\nAbout nine minutes\./);
    const json = JSON.parse(exportConversation(store.get(b.id), 'json').content);
    assert.equal(json.conversation.messages.length, 2);
  });
});
