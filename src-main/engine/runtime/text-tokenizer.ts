/**
 * The model's tokenizer (tokenizer.json through @huggingface/tokenizers) and, for Instruct models, its chat
 * template (tokenizer_config.json through @huggingface/jinja). Also exposes each token's raw bytes, which the
 * incremental detokeniser needs to stream byte-fallback tokens without splitting a UTF-8 character.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { Template } from '@huggingface/jinja';
import type { ChatMessage, GenerationInput } from '../../contract/domain.ts';
import { AppFailure, appError } from '../../contract/errors.ts';

const SPACE_MARK = '\u2581';
const BYTE_PIECE = /^<0x([0-9A-Fa-f]{2})>$/;
const encoder = new TextEncoder();

export interface TokenizerFiles {
  readonly tokenizerJson: Record<string, unknown>;
  readonly tokenizerConfig: Record<string, unknown>;
}

export class TextTokenizer {
  private readonly tokenizer: Tokenizer;
  private readonly template: Template | null;
  private readonly specialIds: ReadonlySet<number>;
  private readonly bytesCache = new Map<number, Uint8Array>();
  readonly bosTokenId: number | null;
  readonly eosTokenId: number | null;
  readonly addBos: boolean;

  constructor(files: TokenizerFiles) {
    this.tokenizer = new Tokenizer(files.tokenizerJson, files.tokenizerConfig);
    const config = files.tokenizerConfig;
    const chatTemplate = config.chat_template;
    this.template = typeof chatTemplate === 'string' ? new Template(chatTemplate) : null;
    const specials = new Set<number>();
    for (const [id, token] of this.tokenizer.get_added_tokens_decoder()) if (token.special) specials.add(id);
    this.specialIds = specials;
    this.bosTokenId = this.idOf(config.bos_token);
    this.eosTokenId = this.idOf(config.eos_token);
    this.addBos = config.add_bos_token !== false && this.bosTokenId !== null;
  }

  static async fromDir(dir: string): Promise<TextTokenizer> {
    const read = async (name: string): Promise<Record<string, unknown>> => {
      try {
        return JSON.parse(await readFile(join(dir, name), 'utf8')) as Record<string, unknown>;
      } catch (caught) {
        throw new AppFailure(appError('MODEL_INVALID', `cannot read ${name} in ${dir}: ${(caught as Error).message}`));
      }
    };
    return new TextTokenizer({ tokenizerJson: await read('tokenizer.json'), tokenizerConfig: await read('tokenizer_config.json') });
  }

  get hasChatTemplate(): boolean {
    return this.template !== null;
  }

  /** Token ids of plain text, without BOS. */
  encodeText(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  /** Renders the chat template to a string (with the assistant generation prompt unless told otherwise). */
  renderChat(messages: readonly ChatMessage[], addGenerationPrompt = true): string {
    if (!this.template) throw new AppFailure(appError('BAD_REQUEST', 'this model has no chat template; use completion mode'));
    return this.template.render({
      messages: messages.map((m) => ({ role: m.role, content: m.content })),
      add_generation_prompt: addGenerationPrompt,
      bos_token: '',
      eos_token: '',
    });
  }

  /** The prompt ids of a request: BOS (when the tokenizer adds one) followed by the text or rendered chat. */
  encodeInput(input: GenerationInput): number[] {
    const text = input.mode === 'chat' ? this.renderChat(input.messages) : input.prompt;
    const ids = this.encodeText(text);
    return this.addBos ? [this.bosTokenId!, ...ids] : ids;
  }

  /**
   * Ids of the conversation before its last user message (BOS included, no generation prompt): the turn
   * boundary where a snapshot lets an edit of the last message resume. Null when there is no earlier turn.
   */
  encodeTurnBoundary(messages: readonly ChatMessage[]): number[] | null {
    const last = messages.length - 1;
    if (last < 1 || messages[last]!.role !== 'user') return null;
    const ids = this.encodeText(this.renderChat(messages.slice(0, last), false));
    return this.addBos ? [this.bosTokenId!, ...ids] : ids;
  }

  /** Decodes ids to text with the tokenizer's own decoder (special tokens skipped). */
  decode(ids: readonly number[]): string {
    return this.tokenizer.decode([...ids], { skip_special_tokens: true });
  }

  isSpecial(id: number): boolean {
    return this.specialIds.has(id);
  }

  /**
   * The bytes a token contributes to the output text: none for special tokens, one byte for a byte-fallback
   * piece `<0xNN>`, otherwise the piece's UTF-8 with the SentencePiece space mark turned into a space.
   */
  tokenBytes(id: number): Uint8Array {
    const cached = this.bytesCache.get(id);
    if (cached) return cached;
    let bytes: Uint8Array;
    const piece = this.tokenizer.id_to_token(id);
    if (piece === undefined || this.specialIds.has(id)) bytes = new Uint8Array(0);
    else {
      const byte = BYTE_PIECE.exec(piece);
      bytes = byte ? Uint8Array.of(parseInt(byte[1]!, 16)) : encoder.encode(piece.replaceAll(SPACE_MARK, ' '));
    }
    this.bytesCache.set(id, bytes);
    return bytes;
  }

  private idOf(token: unknown): number | null {
    const content = typeof token === 'string' ? token : (token as { content?: unknown } | null)?.content;
    return typeof content === 'string' ? (this.tokenizer.token_to_id(content) ?? null) : null;
  }
}
