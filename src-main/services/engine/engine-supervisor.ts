/**
 * Engine supervisor: owns the engine process. Starts it, matches replies to requests by id, streams
 * generation events, and when the process dies unexpectedly fails what was running with ENGINE_CRASHED,
 * starts a new process and reloads the model that was loaded (a few times, then gives up). If it died while
 * the model ran on a GPU (a driver fault; WebGPU runs without API validation, devices.ts), models load on
 * the CPU from then on, saying why, until the device setting changes.
 */
import { randomUUID } from 'node:crypto';
import type { EngineState } from '../../contract/api-types.ts';
import type { ContextDrop, DeviceInfo, FinishReason, GenerationInput, GenerationMetrics, LoadedModelInfo, SamplingParams } from '../../contract/domain.ts';
import { appError, err, ok, type AppError, type Result } from '../../contract/errors.ts';
import type { EngineEvent, EngineRequest, EngineSettings, EngineStatus, TokenCount } from '../../engine/process/protocol.ts';
import { Emitter } from '../emitter.ts';
import type { EngineChannel, EngineChannelFactory } from './engine-channel.ts';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type EngineCommand = DistributiveOmit<Exclude<EngineRequest, { type: 'generate' } | { type: 'cancel' }>, 'id'>;

export interface GenerationHandlers {
  onToken(text: string): void;
  onContextDrop(drop: ContextDrop): void;
  onProgress(metrics: GenerationMetrics): void;
}

export interface GenerationOutcome {
  readonly finishReason: FinishReason;
  readonly text: string;
  readonly metrics: GenerationMetrics;
}

interface Pending {
  resolve(result: Result<unknown>): void;
  handlers?: GenerationHandlers;
}

const READY_TIMEOUT_MS = 60_000;
const MAX_RESTARTS = 3;

export class EngineSupervisor {
  readonly onDidChangeState = new Emitter<EngineState>();
  /** Fired after a crash once the model is loaded again (or could not be). */
  readonly onDidRestart = new Emitter<Result<LoadedModelInfo | null>>();
  private channel: EngineChannel | null = null;
  private ready: Promise<Result<void>> | null = null;
  private readonly pending = new Map<string, Pending>();
  private stateValue: EngineState = 'stopped';
  /** The model the engine has loaded, with the settings and device it was loaded on. */
  private loaded: { packageDir: string; settings: EngineSettings; device: string } | null = null;
  private restartsValue = 0;
  private stopping = false;
  /** Set when the engine died while running on a GPU: why loads now use the CPU. */
  private gpuCrash: string | null = null;

  constructor(private readonly factory: EngineChannelFactory, private settings: EngineSettings) {}

  get state(): EngineState {
    return this.stateValue;
  }
  get pid(): number | null {
    return this.channel?.pid ?? null;
  }
  get restarts(): number {
    return this.restartsValue;
  }

  private setState(state: EngineState): void {
    if (state === this.stateValue) return;
    this.stateValue = state;
    this.onDidChangeState.fire(state);
  }

  /** Starts the process if needed and waits for its ready message. */
  start(): Promise<Result<void>> {
    if (this.ready) return this.ready;
    this.setState('starting');
    this.ready = new Promise<Result<void>>((resolve) => {
      let channel: EngineChannel;
      try {
        channel = this.factory();
      } catch (caught) {
        this.setState('stopped');
        this.ready = null;
        resolve(err(appError('ENGINE_CRASHED', `The engine could not start: ${caught instanceof Error ? caught.message : String(caught)}`)));
        return;
      }
      this.channel = channel;
      const timer = setTimeout(() => resolve(err(appError('ENGINE_CRASHED', 'The engine did not start in time'))), READY_TIMEOUT_MS);
      channel.onMessage((message) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          this.setState('idle');
          resolve(ok(undefined));
        } else this.route(message);
      });
      channel.onExit((code) => {
        clearTimeout(timer);
        resolve(err(appError('ENGINE_CRASHED', `The engine exited (code ${code})`)));
        this.handleExit(channel, code);
      });
    });
    return this.ready;
  }

  private route(event: EngineEvent): void {
    const pending = this.pending.get(event.id);
    if (!pending) return;
    switch (event.type) {
      case 'token':
        pending.handlers?.onToken(event.text);
        return;
      case 'contextDrop':
        pending.handlers?.onContextDrop(event.drop);
        return;
      case 'progress':
        pending.handlers?.onProgress(event.metrics);
        return;
      case 'done':
        this.finish(event.id, ok({ finishReason: event.finishReason, text: event.text, metrics: event.metrics }));
        return;
      case 'result':
        this.finish(event.id, ok(event.value));
        return;
      case 'error':
        this.finish(event.id, err(event.error));
    }
  }

  private finish(id: string, result: Result<unknown>): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    if (pending.handlers && this.stateValue === 'generating') this.setState('idle');
    pending.resolve(result);
  }

  private handleExit(channel: EngineChannel, code: number | null): void {
    if (this.channel !== channel) return;
    this.channel = null;
    this.ready = null;
    const crash: AppError = appError('ENGINE_CRASHED', `The engine process stopped unexpectedly (exit code ${code})`);
    for (const id of [...this.pending.keys()]) this.finish(id, err(crash));
    if (this.stopping) {
      this.setState('stopped');
      return;
    }
    this.setState('crashed');
    if (this.loaded && this.loaded.device !== 'cpu') {
      this.gpuCrash = `the engine stopped while running the model on ${this.loaded.device} (exit code ${code}); models load on the CPU until the device setting changes`;
    }
    if (this.restartsValue >= MAX_RESTARTS) return;
    this.restartsValue += 1;
    void this.recover();
  }

  private async recover(): Promise<void> {
    const started = await this.start();
    if (!started.ok) return this.onDidRestart.fire(started);
    if (!this.loaded) return this.onDidRestart.fire(ok(null));
    this.onDidRestart.fire(await this.load(this.loaded.packageDir));
  }

  private async send<T>(request: EngineRequest, handlers?: GenerationHandlers): Promise<Result<T>> {
    const started = await this.start();
    if (!started.ok) return started;
    const channel = this.channel;
    if (!channel) return err(appError('ENGINE_CRASHED', 'The engine is not running'));
    return new Promise<Result<T>>((resolve) => {
      this.pending.set(request.id, { resolve: resolve as (r: Result<unknown>) => void, ...(handlers ? { handlers } : {}) });
      channel.send(request);
    });
  }

  /** Sends a one-shot command and waits for its result. */
  command<T>(command: EngineCommand): Promise<Result<T>> {
    return this.send<T>({ ...command, id: randomUUID() } as EngineRequest);
  }

  /** The settings loads use: the user's, with the CPU after a crash on a GPU. */
  private effectiveSettings(): EngineSettings {
    return this.gpuCrash ? { ...this.settings, device: 'cpu' } : this.settings;
  }

  /** A loaded model as the host sees it: after a crash on a GPU it says why it runs on the CPU. */
  private describe(info: LoadedModelInfo): LoadedModelInfo {
    return this.gpuCrash ? { ...info, fallbackReason: this.gpuCrash } : info;
  }

  async load(packageDir: string): Promise<Result<LoadedModelInfo>> {
    this.setState('loading');
    const settings = this.effectiveSettings();
    const loaded = await this.command<LoadedModelInfo>({ type: 'load', packageDir, settings });
    const result = loaded.ok ? ok(this.describe(loaded.value)) : loaded;
    this.loaded = result.ok ? { packageDir, settings, device: result.value.device } : null;
    if (this.stateValue === 'loading') this.setState(this.channel ? 'idle' : 'crashed');
    return result;
  }

  async configure(settings: EngineSettings): Promise<Result<unknown>> {
    if (settings.device !== this.settings.device) this.gpuCrash = null;
    this.settings = settings;
    if (!this.channel) return ok(null);
    return this.command({ type: 'configure', settings: this.effectiveSettings() });
  }

  async status(): Promise<Result<EngineStatus>> {
    const status = await this.command<EngineStatus>({ type: 'status' });
    return status.ok && status.value.model ? ok({ ...status.value, model: this.describe(status.value.model) }) : status;
  }
  devices(): Promise<Result<readonly DeviceInfo[]>> {
    return this.command<readonly DeviceInfo[]>({ type: 'devices' });
  }
  countTokens(input: GenerationInput): Promise<Result<TokenCount>> {
    return this.command<TokenCount>({ type: 'countTokens', input });
  }

  /** Starts a generation; `done` settles with the outcome (cancellation is a normal outcome). */
  generate(input: GenerationInput, sampling: SamplingParams, sessionKey: string, handlers: GenerationHandlers): { requestId: string; done: Promise<Result<GenerationOutcome>> } {
    const requestId = randomUUID();
    this.setState('generating');
    const done = this.send<GenerationOutcome>({ id: requestId, type: 'generate', input, sampling, sessionKey }, handlers);
    return { requestId, done };
  }

  cancel(requestId: string): void {
    if (this.pending.has(requestId)) this.channel?.send({ id: randomUUID(), type: 'cancel', targetId: requestId });
  }

  /** Stops the process for good (no restart). */
  stop(): void {
    this.stopping = true;
    this.channel?.kill();
  }
}
