/**
 * ApiBackend on top of the engine (through an EnginePort: the engine process client or the app's engine
 * supervisor). Generation waits while the app's own chat holds the engine (ENGINE_BUSY before the first
 * token is retried until the client gives up), and an aborted request cancels its engine generation and
 * waits for the engine to confirm before its event stream ends.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ok, type AppError, type Result } from '../contract/errors.ts';
import type { GenerationInput, LoadedModelInfo, SamplingParams } from '../contract/domain.ts';
import { readHymbaConfig, readRuntimePackage } from '../engine/runtime/package-reader.ts';
import type { ApiBackend, ApiGenerationEvent, ApiModel, ApiTokenCount } from './api-backend.ts';
import type { EnginePort, EngineStreamEvent } from './engine-port.ts';

export interface EngineBackendOptions {
  /** Every installed model (the model registry); default: only the loaded model. */
  readonly listModels?: () => Promise<readonly ApiModel[]>;
  /** Pause between tries while another generation holds the engine. */
  readonly busyRetryMs?: number;
}

/** Facts read once per loaded package. */
interface PackageFacts {
  readonly created: number;
  readonly metaTokens: number;
}

const DEFAULT_BUSY_RETRY_MS = 100;

export function createEngineBackend(engine: EnginePort, options: EngineBackendOptions = {}): ApiBackend {
  const facts = new Map<string, Promise<PackageFacts>>();
  const factsOf = (info: LoadedModelInfo): Promise<PackageFacts> => {
    let known = facts.get(info.packageDir);
    if (!known) {
      known = readPackageFacts(info.packageDir);
      facts.set(info.packageDir, known);
    }
    return known;
  };
  const loaded = async (): Promise<LoadedModelInfo | null> => {
    const status = await engine.status();
    return status.ok ? status.value.model : null;
  };
  const activeModel = async (): Promise<ApiModel | null> => {
    const info = await loaded();
    return info ? { id: info.id, kind: info.kind, created: (await factsOf(info)).created } : null;
  };

  return {
    activeModel,
    listModels:
      options.listModels ??
      (async () => {
        const active = await activeModel();
        return active ? [active] : [];
      }),
    countTokens: async (input: GenerationInput): Promise<Result<ApiTokenCount>> => {
      const count = await engine.countTokens(input);
      if (!count.ok) return count;
      const info = await loaded();
      const metaTokens = info ? (await factsOf(info)).metaTokens : 0;
      // The engine counts the prompt without the meta prefix but gives the limit in positions (meta included).
      return ok({ tokens: count.value.tokens, maxContextTokens: Math.max(0, count.value.maxContextTokens - metaTokens) });
    },
    generate: (input, sampling, signal) => generateOnEngine(engine, input, sampling, signal, options.busyRetryMs ?? DEFAULT_BUSY_RETRY_MS),
  };
}

async function readPackageFacts(packageDir: string): Promise<PackageFacts> {
  const config = await readHymbaConfig(packageDir);
  return { created: await packageCreated(packageDir), metaTokens: config.ok ? config.value.numMetaTokens : 0 };
}

/** Unix seconds from the manifest's createdAt, else the manifest file's mtime, else 0. */
async function packageCreated(packageDir: string): Promise<number> {
  const manifestPath = join(packageDir, 'manifest.json');
  try {
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { createdAt?: unknown };
    const createdAt = typeof manifest.createdAt === 'string' ? Date.parse(manifest.createdAt) : NaN;
    return Math.floor((Number.isFinite(createdAt) ? createdAt : (await stat(manifestPath)).mtimeMs) / 1000);
  } catch {
    return 0;
  }
}

/** The API's view of a model package folder (manifest id and kind), for hosts listing packages by path. */
export async function readApiModel(packageDir: string): Promise<Result<ApiModel>> {
  const info = await readRuntimePackage(packageDir);
  if (!info.ok) return info;
  return ok({ id: info.value.id, kind: info.value.kind, created: await packageCreated(info.value.dir) });
}

const cancelled: AppError = { code: 'CANCELLED', message: 'the request was cancelled' };

async function* generateOnEngine(
  engine: EnginePort,
  input: GenerationInput,
  sampling: SamplingParams,
  signal: AbortSignal,
  busyRetryMs: number,
): AsyncGenerator<ApiGenerationEvent> {
  for (;;) {
    if (signal.aborted) {
      yield { type: 'error', error: cancelled };
      return;
    }
    const events = new EventBuffer();
    const running = engine.generate(input, sampling, (event) => events.push(event));
    let settled = false;
    const outcome = running.result.then((result) => {
      settled = true;
      events.close();
      return result;
    });
    const cancel = (): void => running.cancel();
    signal.addEventListener('abort', cancel, { once: true });
    try {
      let streamed = false;
      for await (const event of events) {
        streamed ||= event.type === 'token';
        yield event;
      }
      const result = await outcome;
      if (result.ok) {
        yield { type: 'done', finishReason: result.value.finishReason, text: result.value.text, metrics: result.value.metrics };
        return;
      }
      if (result.error.code === 'ENGINE_BUSY' && !streamed) {
        if (await pause(busyRetryMs, signal)) continue;
        yield { type: 'error', error: cancelled };
        return;
      }
      yield { type: 'error', error: result.error };
      return;
    } finally {
      signal.removeEventListener('abort', cancel);
      if (!settled) {
        running.cancel();
        await outcome;
      }
    }
  }
}

/** Callback events turned into an async iterable that ends when closed. */
class EventBuffer implements AsyncIterable<EngineStreamEvent> {
  private readonly items: EngineStreamEvent[] = [];
  private closed = false;
  private wake: (() => void) | null = null;

  push(event: EngineStreamEvent): void {
    this.items.push(event);
    this.wake?.();
  }

  close(): void {
    this.closed = true;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<EngineStreamEvent> {
    for (;;) {
      const next = this.items.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }
}

/** Waits `ms`; false when the signal fired first. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
