/**
 * Conversation store: one JSON file per conversation under `<dataDir>/conversations/`, every change
 * written atomically (temp + fsync + rename). All conversations are kept in memory after `load()`.
 *
 * Durability: the user's message and an empty `streaming` reply are written before generation starts,
 * and the reply is written again when it ends, so a crash loses at most the reply in progress.
 * Corrupted files are moved to `conversations/quarantine/` and reported; the rest still load.
 * Deleting moves the file to `conversations/trash/`; `undoDelete` moves it back; the trash is emptied
 * at the next launch.
 */
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Conversation, ConversationSummary, QuarantinedFile, SearchHit } from '../../contract/api-types.ts';
import type { SamplingParams } from '../../contract/domain.ts';
import { AppFailure, appError } from '../../contract/errors.ts';
import { isAtomicTempFile, writeFileAtomic } from './atomic-file.ts';
import { parseConversationFile, serializeConversation } from './conversation-file.ts';

const FILE_PATTERN = /^([A-Za-z0-9_-]{1,128})\.json$/;

export class ConversationStore {
  private readonly conversations = new Map<string, Conversation>();
  private readonly deleted = new Map<string, Conversation>();
  private readonly quarantinedFiles: QuarantinedFile[] = [];
  /** One write chain per conversation so renames land in order. */
  private readonly writes = new Map<string, Promise<void>>();
  private readonly trashDir: string;
  private readonly quarantineDir: string;

  constructor(readonly folder: string) {
    this.trashDir = join(folder, 'trash');
    this.quarantineDir = join(folder, 'quarantine');
  }

  /** Reads every conversation file; quarantines the unreadable ones and empties the trash. */
  async load(): Promise<readonly QuarantinedFile[]> {
    await mkdir(this.folder, { recursive: true });
    await rm(this.trashDir, { recursive: true, force: true });
    const found: QuarantinedFile[] = [];
    for (const name of (await readdir(this.folder)).sort()) {
      if (isAtomicTempFile(name)) {
        await rm(join(this.folder, name), { force: true });
        continue;
      }
      if (!name.endsWith('.json')) continue;
      const match = FILE_PATTERN.exec(name);
      const text = match ? await readFile(join(this.folder, name), 'utf8').catch((caught: Error) => `\u0000${caught.message}`) : '';
      const parsed = match ? parseConversationFile(text, match[1] as string) : { ok: false as const, reason: 'unexpected file name' };
      if (parsed.ok) this.conversations.set(parsed.conversation.id, parsed.conversation);
      else found.push(await this.quarantine(name, parsed.reason));
    }
    this.quarantinedFiles.push(...found);
    return found;
  }

  private async quarantine(name: string, reason: string): Promise<QuarantinedFile> {
    await mkdir(this.quarantineDir, { recursive: true });
    const movedTo = join(this.quarantineDir, `${name}.${Date.now()}`);
    await rename(join(this.folder, name), movedTo);
    return { fileName: name, movedTo, reason };
  }

  get quarantined(): readonly QuarantinedFile[] {
    return this.quarantinedFiles;
  }

  /** Summaries, most recently updated first. */
  list(): ConversationSummary[] {
    return [...this.conversations.values()]
      .map((c) => ({
        id: c.id,
        title: c.title,
        createdAt: c.createdAt,
        updatedAt: c.updatedAt,
        messageCount: c.messages.length,
        preview: (c.messages.at(-1)?.content ?? '').slice(0, 120),
      }))
      .sort((a, b) => b.updatedAt - a.updatedAt || a.id.localeCompare(b.id));
  }

  get(id: string): Conversation {
    const conversation = this.conversations.get(id);
    if (!conversation) throw new AppFailure(appError('BAD_REQUEST', `No conversation ${id}`));
    return conversation;
  }

  has(id: string): boolean {
    return this.conversations.has(id);
  }

  async create(title: string, sampling: SamplingParams, systemPrompt = ''): Promise<Conversation> {
    const now = Date.now();
    const conversation: Conversation = { id: randomUUID(), title, createdAt: now, updatedAt: now, systemPrompt, sampling, messages: [] };
    this.conversations.set(conversation.id, conversation);
    await this.persist(conversation);
    return conversation;
  }

  /**
   * Applies a change and writes it durably. The in-memory copy changes at once (so streaming readers
   * see it); the returned promise settles when the file is on disk.
   */
  async update(id: string, change: (current: Conversation) => Conversation, touch = true): Promise<Conversation> {
    const next = change(this.get(id));
    const stamped = touch ? { ...next, updatedAt: Math.max(Date.now(), next.updatedAt) } : next;
    this.conversations.set(id, stamped);
    await this.persist(stamped);
    return stamped;
  }

  /** Changes the in-memory copy only (used for streamed tokens; the end of the reply is persisted). */
  replaceInMemory(conversation: Conversation): void {
    if (this.conversations.has(conversation.id)) this.conversations.set(conversation.id, conversation);
  }

  /** Moves the file to the trash; returns the token that undoes it. */
  async delete(id: string): Promise<string> {
    const conversation = this.get(id);
    await this.settle(id);
    await mkdir(this.trashDir, { recursive: true });
    await rename(this.fileOf(id), join(this.trashDir, `${id}.json`));
    this.conversations.delete(id);
    this.deleted.set(id, conversation);
    return id;
  }

  async undoDelete(undoToken: string): Promise<Conversation> {
    const conversation = this.deleted.get(undoToken);
    if (!conversation) throw new AppFailure(appError('BAD_REQUEST', 'Nothing to undo for this conversation'));
    await rename(join(this.trashDir, `${undoToken}.json`), this.fileOf(undoToken));
    this.deleted.delete(undoToken);
    this.conversations.set(conversation.id, conversation);
    return conversation;
  }

  search(query: string, limit = 50): SearchHit[] {
    const needle = query.trim().toLowerCase();
    if (!needle) return [];
    const hits: SearchHit[] = [];
    for (const summary of this.list()) {
      const conversation = this.get(summary.id);
      if (conversation.title.toLowerCase().includes(needle)) {
        hits.push({ conversationId: conversation.id, title: conversation.title, snippet: conversation.title });
        continue;
      }
      const message = conversation.messages.find((m) => m.content.toLowerCase().includes(needle));
      if (message) hits.push({ conversationId: conversation.id, title: conversation.title, messageId: message.id, snippet: snippetAround(message.content, needle) });
      if (hits.length >= limit) break;
    }
    return hits;
  }

  /** Waits for every pending write (tests, shutdown). */
  async flush(): Promise<void> {
    await Promise.all([...this.writes.keys()].map((id) => this.settle(id)));
  }

  private fileOf(id: string): string {
    return join(this.folder, `${id}.json`);
  }

  private async settle(id: string): Promise<void> {
    await this.writes.get(id)?.catch(() => undefined);
  }

  private persist(conversation: Conversation): Promise<void> {
    const previous = this.writes.get(conversation.id) ?? Promise.resolve();
    const write = previous.catch(() => undefined).then(() => writeFileAtomic(this.fileOf(conversation.id), serializeConversation(conversation)));
    this.writes.set(conversation.id, write);
    void write.finally(() => {
      if (this.writes.get(conversation.id) === write) this.writes.delete(conversation.id);
    }).catch(() => undefined);
    return write;
  }
}

function snippetAround(text: string, needle: string): string {
  const at = text.toLowerCase().indexOf(needle);
  const start = Math.max(0, at - 40);
  const end = Math.min(text.length, at + needle.length + 40);
  return `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
}
