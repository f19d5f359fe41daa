/**
 * Streams generated tokens as text without ever splitting a UTF-8 character: token bytes are buffered until
 * they form complete characters (byte-fallback tokens such as <0xF0><0x9F><0x98><0x80> arrive one byte at a
 * time). Optionally drops the single leading space SentencePiece puts before the first word (chat replies).
 */
export class IncrementalDetokenizer {
  private pending: number[] = [];
  private started = false;

  constructor(
    private readonly bytesOf: (id: number) => Uint8Array,
    private readonly stripLeadingSpace: boolean,
  ) {}

  /** Adds one token and returns the text that became complete (possibly empty). */
  push(id: number): string {
    for (const byte of this.bytesOf(id)) this.pending.push(byte);
    const complete = completePrefixLength(this.pending);
    if (complete === 0) return '';
    let text = Buffer.from(this.pending.slice(0, complete)).toString('utf8');
    this.pending = this.pending.slice(complete);
    if (!this.started) {
      if (this.stripLeadingSpace && text.startsWith(' ')) text = text.slice(1);
      this.started = text.length > 0 || !this.stripLeadingSpace;
    }
    return text;
  }

  /** Text of any bytes left at the end (an incomplete character becomes U+FFFD). */
  flush(): string {
    if (this.pending.length === 0) return '';
    const text = Buffer.from(this.pending).toString('utf8');
    this.pending = [];
    return text;
  }
}

/** Length of the longest prefix that does not end inside a multi-byte UTF-8 sequence. */
export function completePrefixLength(bytes: readonly number[]): number {
  const n = bytes.length;
  for (let back = 1; back <= Math.min(4, n); back++) {
    const b = bytes[n - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back for the lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}
