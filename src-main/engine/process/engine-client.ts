/**
 * The host's handle on the engine process: requests with ids, replies as Results, generation as a stream of
 * events (async iterable or callbacks), cancellation, crash detection (every pending request gets
 * ENGINE_CRASHED) and restart, which reloads the last loaded model with its settings.
 */
import { appError, err, ok, type AppError, type Result } from '../../contract/errors.ts';
import type { DeviceInfo, GenerationInput, LoadedModelInfo, SamplingParams } from '../../contract/domain.ts';
import type { EngineLauncher, EngineProcessHandle } from './engine-launcher.ts';
import type { EngineEvent, EngineRequest, EngineSettings, EngineStatus, TokenCount } from './protocol.ts';

export type DoneEvent = Extract<EngineEvent, { type: 'done' }>;
export type StreamEvent = Exclude<EngineEvent, { type: 'result' | 'error' | 'convertProgress' }>;

/** A running generation. */
export interface GenerationHandle {
  readonly id: string;
  /** Streamed events (token, contextDrop, progress, then done); ends after done or an error. */
  readonly events: AsyncIterable<StreamEvent>;
  /** The final `done` event, or the error. */
  readonly result: Promise<Result<DoneEvent>>;
  cancel(): void;
}

interface Pending {
  onEvent(event: EngineEvent): void;
  onFailure(error: AppError): void;
}

type Distribute<T> = T extends unknown ? Omit<T, 'id'> : never;
type RequestBody = Distribute<EngineRequest>;

export class EngineClient {
  private handle: EngineProcessHandle | null = null;
  private ready: Promise<void> | null = null;
  private readonly pending = new Map<string, Pending>();
  private readonly crashListeners = new Set<(error: AppError) => void>();
  private nextId = 1;
  private stopping = false;
  private lastLoad: { packageDir: string; settings: EngineSettings } | null = null;

  constructor(private readonly launch: EngineLauncher) {}

  /** Starts the process (if not running) and waits for its ready message. */
  start(): Promise<void> {
    if (this.ready) return this.ready;
    this.stopping = false;
    const handle = this.launch();
    this.handle = handle;
    this.ready = new Promise<void>((resolve, reject) => {
      handle.onMessage((message) => {
        if ((message as { type?: unknown }).type === 'ready') resolve();
        else this.route(message as EngineEvent);
      });
      handle.onExit((code, signal) => {
        const crashed = !this.stopping;
        this.handle = null;
        this.ready = null;
        const error = appError('ENGINE_CRASHED', `the engine process exited (code ${code}, signal ${signal})`, { code, signal });
        reject(error);
        this.failAll(error);
        if (crashed) for (const listener of this.crashListeners) listener(error);
      });
    });
    this.ready.catch(() => undefined);
    return this.ready;
  }

  /** The process id of the running engine (undefined when stopped). */
  get pid(): number | undefined {
    return this.handle?.pid;
  }

  /** Registers a crash listener; returns an unsubscribe function. */
  onDidCrash(listener: (error: AppError) => void): () => void {
    this.crashListeners.add(listener);
    return () => this.crashListeners.delete(listener);
  }

  async load(packageDir: string, settings: EngineSettings): Promise<Result<LoadedModelInfo>> {
    const result = await this.call<LoadedModelInfo>({ type: 'load', packageDir, settings });
    if (result.ok) this.lastLoad = { packageDir, settings };
    return result;
  }

  async unload(): Promise<Result<null>> {
    const result = await this.call<null>({ type: 'unload' });
    if (result.ok) this.lastLoad = null;
    return result;
  }

  async configure(settings: Partial<EngineSettings>): Promise<Result<EngineStatus>> {
    const result = await this.call<EngineStatus>({ type: 'configure', settings });
    if (result.ok && this.lastLoad) this.lastLoad = { ...this.lastLoad, settings: result.value.settings };
    return result;
  }

  status(): Promise<Result<EngineStatus>> {
    return this.call<EngineStatus>({ type: 'status' });
  }

  devices(): Promise<Result<DeviceInfo[]>> {
    return this.call<DeviceInfo[]>({ type: 'devices' });
  }

  countTokens(input: GenerationInput): Promise<Result<TokenCount>> {
    return this.call<TokenCount>({ type: 'countTokens', input });
  }

  /** Starts a generation; consume `events` for streaming or just await `result`. */
  generate(input: GenerationInput, sampling: SamplingParams, onEvent?: (event: StreamEvent) => void, sessionKey?: string): GenerationHandle {
    const id = this.newId();
    const queue: StreamEvent[] = [];
    let wake: (() => void) | null = null;
    let finished = false;
    let settle!: (result: Result<DoneEvent>) => void;
    const result = new Promise<Result<DoneEvent>>((resolve) => (settle = resolve));
    const finish = (outcome: Result<DoneEvent>): void => {
      finished = true;
      this.pending.delete(id);
      settle(outcome);
      wake?.();
    };
    this.pending.set(id, {
      onEvent: (event) => {
        if (event.type === 'error') return finish(err(event.error));
        if (event.type === 'result' || event.type === 'convertProgress') return;
        onEvent?.(event);
        queue.push(event);
        wake?.();
        if (event.type === 'done') finish(ok(event));
      },
      onFailure: (error) => finish(err(error)),
    });
    void this.post({ id, type: 'generate', input, sampling, ...(sessionKey ? { sessionKey } : {}) }).catch((error: AppError) => finish(err(error)));
    const events: AsyncIterable<StreamEvent> = {
      [Symbol.asyncIterator]: async function* () {
        for (;;) {
          while (queue.length > 0) yield queue.shift()!;
          if (finished) return;
          await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
        }
      },
    };
    return { id, events, result, cancel: () => void this.post({ id: this.newId(), type: 'cancel', targetId: id }).catch(() => undefined) };
  }

  /** Starts a fresh process and reloads the last loaded model (if any) with its settings. */
  async restart(): Promise<Result<LoadedModelInfo | null>> {
    await this.stop();
    try {
      await this.start();
    } catch (caught) {
      return err(caught as AppError);
    }
    if (!this.lastLoad) return ok(null);
    return this.load(this.lastLoad.packageDir, this.lastLoad.settings);
  }

  /** Stops the process; pending requests end with ENGINE_CRASHED. */
  async stop(): Promise<void> {
    const handle = this.handle;
    if (!handle) return;
    this.stopping = true;
    const exited = new Promise<void>((resolve) => handle.onExit(() => resolve()));
    handle.kill();
    await exited;
  }

  private async call<T>(body: RequestBody): Promise<Result<T>> {
    const id = this.newId();
    return new Promise<Result<T>>((resolve) => {
      this.pending.set(id, {
        onEvent: (event) => {
          if (event.type === 'result') resolve(ok(event.value as T));
          else if (event.type === 'error') resolve(err(event.error));
          else return;
          this.pending.delete(id);
        },
        onFailure: (error) => {
          this.pending.delete(id);
          resolve(err(error));
        },
      });
      this.post({ ...body, id } as EngineRequest).catch((error: AppError) => {
        this.pending.delete(id);
        resolve(err(error));
      });
    });
  }

  private async post(request: EngineRequest): Promise<void> {
    try {
      await this.start();
    } catch (caught) {
      throw caught as AppError;
    }
    if (!this.handle) throw appError('ENGINE_CRASHED', 'the engine process is not running');
    this.handle.postMessage(request);
  }

  private route(event: EngineEvent): void {
    this.pending.get(event.id)?.onEvent(event);
  }

  private failAll(error: AppError): void {
    for (const [id, pending] of [...this.pending]) {
      this.pending.delete(id);
      pending.onFailure(error);
    }
  }

  private newId(): string {
    return `r${this.nextId++}`;
  }
}
