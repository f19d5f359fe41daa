/**
 * Stop strings, matched on the streamed text: text that could still become a stop string is held back, so a
 * stop string never reaches the user. (Token-level stops — EOS, max tokens, the budget's context — are checked
 * by the generation loop.)
 */
export class StopStringMatcher {
  private held = '';

  constructor(private readonly stops: readonly string[]) {}

  /**
   * Adds newly decoded text. Returns the text safe to emit now and whether a stop string was found (the
   * text before it is emitted; the stop string and anything after it are dropped).
   */
  push(text: string): { emit: string; stopped: boolean } {
    const buffer = this.held + text;
    let first = -1;
    for (const stop of this.stops) {
      if (stop.length === 0) continue;
      const at = buffer.indexOf(stop);
      if (at >= 0 && (first < 0 || at < first)) first = at;
    }
    if (first >= 0) {
      this.held = '';
      return { emit: buffer.slice(0, first), stopped: true };
    }
    const keep = this.partialSuffixLength(buffer);
    this.held = buffer.slice(buffer.length - keep);
    return { emit: buffer.slice(0, buffer.length - keep), stopped: false };
  }

  /** Text held back at the end of generation. */
  flush(): string {
    const rest = this.held;
    this.held = '';
    return rest;
  }

  private partialSuffixLength(buffer: string): number {
    let longest = 0;
    for (const stop of this.stops) {
      for (let k = Math.min(stop.length - 1, buffer.length); k > longest; k--) {
        if (buffer.endsWith(stop.slice(0, k))) {
          longest = k;
          break;
        }
      }
    }
    return longest;
  }
}
