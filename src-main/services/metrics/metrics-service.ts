/**
 * Metrics service: keeps the latest engine numbers, the running request, recent finished requests and a
 * throughput series, and ticks a snapshot — every second while generating, every few seconds when idle.
 * During generation the numbers come from the engine's progress events (its event loop is busy running
 * the model, so it is not polled then); when idle, `pollStatus` refreshes them.
 */
import type { EngineState, MetricsSnapshot, RequestMetrics, ThroughputSample } from '../../contract/api-types.ts';
import type { CacheBreakdown, ExecutionDevice, GenerationMetrics } from '../../contract/domain.ts';
import type { EngineStatus } from '../../engine/process/protocol.ts';
import { Emitter } from '../emitter.ts';
import { ProcessCpuMeter } from './process-cpu.ts';

const EMPTY_CACHE: CacheBreakdown = { globalKv: 0, slidingKv: 0, ssm: 0, conv: 0, meta: 0, total: 0 };
const RECENT_LIMIT = 20;
const SERIES_LIMIT = 300;
export const BUSY_TICK_MS = 1000;
export const IDLE_TICK_MS = 5000;

export interface EngineProbe {
  readonly state: EngineState;
  readonly pid: number | null;
  readonly restarts: number;
  /** Engine status when idle (null when it cannot be asked). */
  status(): Promise<EngineStatus | null>;
}

export class MetricsService {
  readonly onDidTick = new Emitter<MetricsSnapshot>();
  private readonly recent: RequestMetrics[] = [];
  private readonly series: ThroughputSample[] = [];
  private current: { requestId: string; conversationId: string; metrics: GenerationMetrics | null } | null = null;
  private rssBytes = 0;
  private cache: CacheBreakdown = EMPTY_CACHE;
  private contextTokens = 0;
  private maxContextTokens = 0;
  private device: ExecutionDevice | null = null;
  private fallbackReason: string | undefined;
  private modelId: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly cpu = new ProcessCpuMeter();

  constructor(private readonly engine: EngineProbe, private readonly budgetBytes: () => number) {}

  /** Starts ticking. */
  start(): void {
    this.schedule();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.onDidTick.dispose();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), this.current ? BUSY_TICK_MS : IDLE_TICK_MS);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (!this.current && (this.engine.state === 'idle' || this.engine.state === 'loading')) await this.pollStatus();
    this.onDidTick.fire(this.snapshot());
    this.schedule();
  }

  /** Refreshes engine numbers from a status reply. */
  async pollStatus(): Promise<void> {
    const status = await this.engine.status().catch(() => null);
    if (!status) return;
    this.rssBytes = status.rssBytes;
    this.cache = status.cache;
    this.maxContextTokens = status.maxContextTokens;
    this.device = status.model?.device ?? null;
    this.fallbackReason = status.model?.fallbackReason;
  }

  setModel(modelId: string | null, device: ExecutionDevice | null, fallbackReason?: string): void {
    this.modelId = modelId;
    this.device = device;
    this.fallbackReason = fallbackReason;
    if (modelId === null) {
      this.cache = EMPTY_CACHE;
      this.contextTokens = 0;
      this.maxContextTokens = 0;
    }
  }

  requestStarted(requestId: string, conversationId: string): void {
    this.current = { requestId, conversationId, metrics: null };
    this.schedule();
  }

  /** A progress report of the running request. */
  progress(requestId: string, metrics: GenerationMetrics): void {
    if (this.current?.requestId === requestId) this.current = { ...this.current, metrics };
    this.absorb(metrics);
    this.series.push({ at: Date.now(), prefillTokensPerSec: metrics.prefillTokensPerSec, decodeTokensPerSec: metrics.decodeTokensPerSec });
    if (this.series.length > SERIES_LIMIT) this.series.shift();
  }

  requestFinished(requestId: string, conversationId: string, finishReason: RequestMetrics['finishReason'], metrics: GenerationMetrics | null): void {
    if (metrics) {
      this.absorb(metrics);
      this.recent.push({ requestId, conversationId, finishedAt: Date.now(), finishReason, metrics });
      if (this.recent.length > RECENT_LIMIT) this.recent.shift();
      this.series.push({ at: Date.now(), prefillTokensPerSec: metrics.prefillTokensPerSec, decodeTokensPerSec: metrics.decodeTokensPerSec });
      if (this.series.length > SERIES_LIMIT) this.series.shift();
    }
    if (this.current?.requestId === requestId) this.current = null;
    this.onDidTick.fire(this.snapshot());
    this.schedule();
  }

  private absorb(metrics: GenerationMetrics): void {
    this.cache = metrics.cache;
    this.contextTokens = metrics.contextTokens;
    this.maxContextTokens = metrics.maxContextTokens;
    if (metrics.engineRssBytes > 0) this.rssBytes = metrics.engineRssBytes;
  }

  snapshot(): MetricsSnapshot {
    return {
      at: Date.now(),
      engine: {
        state: this.engine.state,
        pid: this.engine.pid,
        rssBytes: this.rssBytes,
        cpuPercent: this.cpu.sample(this.engine.pid),
        device: this.device,
        ...(this.fallbackReason ? { fallbackReason: this.fallbackReason } : {}),
        restarts: this.engine.restarts,
      },
      modelId: this.modelId,
      budgetBytes: this.budgetBytes(),
      cache: this.cache,
      contextTokens: this.contextTokens,
      maxContextTokens: this.maxContextTokens,
      current: this.current,
      recent: [...this.recent],
      series: [...this.series],
    };
  }
}
