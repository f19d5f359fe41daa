/** A minimal typed event emitter: `event(listener)` subscribes and returns an unsubscribe. */
export class Emitter<T> {
  private readonly listeners = new Set<(payload: T) => void>();

  /** Subscribes; the returned function removes the listener (idempotent). */
  readonly event = (listener: (payload: T) => void): (() => void) => {
    const wrapped = (payload: T) => listener(payload);
    this.listeners.add(wrapped);
    return () => {
      this.listeners.delete(wrapped);
    };
  };

  fire(payload: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(payload);
      } catch (caught) {
        console.error('listener failed:', caught);
      }
    }
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  dispose(): void {
    this.listeners.clear();
  }
}
