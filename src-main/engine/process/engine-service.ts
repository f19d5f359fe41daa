/**
 * Serves the protocol inside the engine process: each request is checked, dispatched to the Engine, and
 * answered with exactly one `result`, `done` or `error` event (generate also streams `token`, `contextDrop`
 * and `progress`). Cancel aborts the named generate, which then ends with `done` / 'cancelled', or the named
 * convert, which then ends with an error CANCELLED.
 */
import { appError, toAppError, type AppError, type Result } from '../../contract/errors.ts';
import type { Engine } from '../runtime/engine.ts';
import type { EngineEvent, EngineRequest } from './protocol.ts';
import { checkRequest } from './request-guard.ts';

type ResultValue = Extract<EngineEvent, { type: 'result' }>['value'];

export class EngineService {
  private readonly running = new Map<string, AbortController>();

  constructor(
    private readonly engine: Engine,
    private readonly send: (event: EngineEvent) => void,
  ) {}

  /** Handles one incoming message; never throws. */
  async handle(message: unknown): Promise<void> {
    const checked = checkRequest(message);
    if (!checked.ok) {
      this.send({ id: checked.id, type: 'error', error: appError('BAD_REQUEST', checked.reason) });
      return;
    }
    const request = checked.request;
    try {
      await this.dispatch(request);
    } catch (caught) {
      this.fail(request.id, toAppError(caught));
    }
  }

  private async dispatch(request: EngineRequest): Promise<void> {
    switch (request.type) {
      case 'load':
        return this.reply(request.id, await this.engine.load(request.packageDir, request.settings));
      case 'unload':
        return this.reply(request.id, await this.engine.unload());
      case 'configure': {
        const { device, threads, allowSpinning } = request.settings;
        const changesDevice = device !== undefined || threads !== undefined || allowSpinning !== undefined;
        if (this.engine.busy && changesDevice) return this.fail(request.id, appError('ENGINE_BUSY', 'device and thread changes wait until the running generation ends'));
        return this.reply(request.id, await this.engine.configure(request.settings));
      }
      case 'countTokens':
        return this.reply(request.id, this.engine.countTokens(request.input));
      case 'status':
        return this.send({ id: request.id, type: 'result', value: this.engine.status() });
      case 'devices':
        return this.send({ id: request.id, type: 'result', value: await this.engine.devices() });
      case 'cancel': {
        const controller = this.running.get(request.targetId);
        controller?.abort();
        return this.send({ id: request.id, type: 'result', value: null });
      }
      case 'generate':
        return this.generate(request);
      case 'convert':
        return this.convert(request);
    }
  }

  /**
   * Runs the package converter here (not in the host). It is loaded on first use, so an engine process that
   * only serves chat never holds the converter's modules.
   */
  private async convert(request: Extract<EngineRequest, { type: 'convert' }>): Promise<void> {
    const { id, options } = request;
    const controller = new AbortController();
    this.running.set(id, controller);
    try {
      const { convertCheckpoint } = await import('../package/convert.ts');
      const converted = await convertCheckpoint(request.hfDir, request.outDir, {
        id: options.id,
        displayName: options.displayName,
        ...(options.dtype ? { dtype: options.dtype } : {}),
        signal: controller.signal,
        onProgress: (progress) => this.send({ id, type: 'convertProgress', progress }),
      });
      if (!converted.ok) return this.fail(id, converted.error);
      this.send({ id, type: 'result', value: { dir: converted.value.dir, packageId: converted.value.manifest.id } });
    } finally {
      this.running.delete(id);
    }
  }

  private async generate(request: Extract<EngineRequest, { type: 'generate' }>): Promise<void> {
    const { id } = request;
    const controller = new AbortController();
    this.running.set(id, controller);
    try {
      const outcome = await this.engine.generate(
        { input: request.input, sampling: request.sampling, signal: controller.signal },
        {
          onToken: (text, tokenId) => this.send({ id, type: 'token', text, tokenId }),
          onContextDrop: (drop) => this.send({ id, type: 'contextDrop', drop }),
          onProgress: (metrics) => this.send({ id, type: 'progress', metrics }),
        },
      );
      if (!outcome.ok) return this.fail(id, outcome.error);
      const { finishReason, text, metrics } = outcome.value;
      this.send({ id, type: 'done', finishReason, text, metrics });
    } finally {
      this.running.delete(id);
    }
  }

  private reply(id: string, result: Result<ResultValue>): void {
    if (result.ok) this.send({ id, type: 'result', value: result.value });
    else this.fail(id, result.error);
  }

  private fail(id: string, error: AppError): void {
    this.send({ id, type: 'error', error });
  }
}
