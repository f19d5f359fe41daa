/** Server-sent events for streamed completions: `data: <json>` frames and the closing `data: [DONE]`. */
import type { ServerResponse } from 'node:http';

export class SseStream {
  constructor(private readonly res: ServerResponse) {}

  /** Sends the 200 and the event-stream headers; later frames go out as they are written. */
  open(): void {
    this.res.socket?.setNoDelay(true);
    this.res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    this.res.flushHeaders();
  }

  get opened(): boolean {
    return this.res.headersSent;
  }

  send(payload: unknown): void {
    if (!this.res.destroyed) this.res.write(`data: ${JSON.stringify(payload)}\n\n`);
  }

  /** Ends a stream that completed: `data: [DONE]`. */
  done(): void {
    if (!this.res.destroyed) this.res.end('data: [DONE]\n\n');
  }

  /** Ends a stream that failed after it started: one `data: {"error":…}` frame, as OpenAI does. */
  fail(errorBody: unknown): void {
    if (this.res.destroyed) return;
    this.send(errorBody);
    this.res.end();
  }
}
