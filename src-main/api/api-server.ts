/**
 * The local OpenAI-compatible HTTP server (node:http, no framework).
 *
 *   GET  /v1/models              installed models
 *   GET  /v1/models/{id}         one model
 *   POST /v1/chat/completions    instruct models; JSON or SSE stream
 *   POST /v1/completions         base (or instruct) models, plain prompt; JSON or SSE stream
 *
 * Every request needs `Authorization: Bearer <token>`. No CORS headers are ever sent and browser preflights
 * are refused, so web pages cannot call it. One generation runs at a time; the others wait in a bounded FIFO.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { appError, err, ok, type Result } from '../contract/errors.ts';
import { DEFAULT_SAMPLING, type SamplingParams } from '../contract/domain.ts';
import type { ApiBackend } from './api-backend.ts';
import { invalidRequest, modelNotFound, notFound, serverError, unauthorized, type ApiError } from './api-error.ts';
import { apiBaseUrl, DEFAULT_API_HOST, DEFAULT_API_PORT } from '../contract/api-connection.ts';
import { handleGeneration, type GenerationDeps } from './generation-handler.ts';
import { hasBearerToken, readJsonBody, sendError, sendJson } from './http-io.ts';
import { modelList, modelObject } from './openai-objects.ts';
import type { RequestMetricsListener } from './request-metrics.ts';
import { RequestQueue } from './request-queue.ts';

export { DEFAULT_API_HOST, DEFAULT_API_PORT };
export const DEFAULT_QUEUE_LIMIT = 8;
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface ApiServerOptions {
  readonly backend: ApiBackend;
  /** Interface to bind; 127.0.0.1 unless the user chose otherwise. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** The bearer token every request must carry; must not be empty. */
  readonly token: string;
  /** Requests that may wait behind the running one before 429. */
  readonly queueLimit?: number;
  readonly maxBodyBytes?: number;
  /** Sampling for values the client leaves unset: fixed, or read per request (the app's current settings). */
  readonly defaultSampling?: SamplingParams | (() => SamplingParams);
  /** Called once per chat/completion request. */
  readonly onRequestMetrics?: RequestMetricsListener;
}

/** A listening server. */
export interface RunningApiServer {
  readonly host: string;
  readonly port: number;
  /** e.g. http://127.0.0.1:8737/v1 */
  readonly baseUrl: string;
  /** Generation requests running (0 or 1) and waiting. */
  load(): { readonly running: number; readonly waiting: number };
  /**
   * Cancels running and queued requests, closes every connection and stops listening; resolves once every
   * handler returned, so no generation the server started is still running in the engine.
   */
  close(): Promise<void>;
}

const GENERATION_ROUTES: Record<string, 'chat' | 'completion'> = {
  '/v1/chat/completions': 'chat',
  '/v1/completions': 'completion',
};

export async function createApiServer(options: ApiServerOptions): Promise<Result<RunningApiServer>> {
  if (options.token.length === 0) return err(appError('BAD_REQUEST', 'The API token must not be empty.'));
  const host = options.host ?? DEFAULT_API_HOST;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const defaultSampling = options.defaultSampling ?? DEFAULT_SAMPLING;
  const inFlight = new Set<AbortController>();
  const handlers = new Set<Promise<void>>();
  const deps: GenerationDeps = {
    backend: options.backend,
    queue: new RequestQueue(options.queueLimit ?? DEFAULT_QUEUE_LIMIT),
    defaults: typeof defaultSampling === 'function' ? defaultSampling : () => defaultSampling,
    report: (metrics) => {
      try {
        options.onRequestMetrics?.(metrics);
      } catch {
        // A failing listener must not break the reply; the dashboard only loses one row.
      }
    },
  };

  const route = async (req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> => {
    if (req.method === 'OPTIONS') {
      return sendError(res, { ...invalidRequest('Cross-origin requests are not allowed.'), status: 403 });
    }
    if (!hasBearerToken(req, options.token)) {
      req.resume();
      return sendError(res, unauthorized('Missing or wrong API key: send Authorization: Bearer <token> (see Settings).'), {
        'WWW-Authenticate': 'Bearer',
      });
    }
    const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
    const endpoint = GENERATION_ROUTES[path];
    if (endpoint !== undefined) {
      if (req.method !== 'POST') return methodNotAllowed(res, req, 'POST');
      const body = await readJsonBody(req, maxBodyBytes);
      if (!body.ok) return sendError(res, body.error, body.error.status === 413 ? { Connection: 'close' } : {});
      return handleGeneration(deps, endpoint, body.value, res, signal);
    }
    if (path === '/v1/models' || path.startsWith('/v1/models/')) {
      if (req.method !== 'GET') return methodNotAllowed(res, req, 'GET');
      const models = await options.backend.listModels();
      if (path === '/v1/models') return sendJson(res, 200, modelList(models));
      const id = decodeURIComponent(path.slice('/v1/models/'.length));
      const model = models.find((m) => m.id === id);
      return model ? sendJson(res, 200, modelObject(model)) : sendError(res, modelNotFound(id));
    }
    req.resume();
    return sendError(res, notFound(`Invalid URL (${req.method ?? '?'} ${path || '/'}).`, null, 'unknown_url'));
  };

  const server = createServer((req, res) => {
    const controller = new AbortController();
    inFlight.add(controller);
    res.once('close', () => {
      inFlight.delete(controller);
      if (!res.writableFinished) controller.abort();
    });
    const handled = route(req, res, controller.signal)
      .catch((caught: unknown) => {
        const message = caught instanceof Error ? caught.message : String(caught);
        sendError(res, serverError(`Internal error: ${message}`));
      })
      .finally(() => handlers.delete(handled));
    handlers.add(handled);
  });

  const listening = await listen(server, host, options.port ?? DEFAULT_API_PORT);
  if (!listening.ok) return listening;
  const port = listening.value;
  return ok({
    host,
    port,
    baseUrl: apiBaseUrl(host, port),
    load: () => ({ running: deps.queue.running ? 1 : 0, waiting: deps.queue.waiting }),
    close: async () => {
      for (const controller of inFlight) controller.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await Promise.allSettled([...handlers]);
      await closed;
    },
  });
}

function methodNotAllowed(res: ServerResponse, req: IncomingMessage, allowed: string): void {
  req.resume();
  const error: ApiError = { ...invalidRequest(`Method ${req.method ?? '?'} is not allowed here; use ${allowed}.`), status: 405 };
  sendError(res, error, { Allow: allowed });
}

function listen(server: Server, host: string, port: number): Promise<Result<number>> {
  return new Promise((resolve) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const why = error.code === 'EADDRINUSE' ? `port ${port} is already in use` : error.message;
      resolve(err(appError('IO_ERROR', `The API server could not listen on ${host}:${port}: ${why}.`, { code: error.code })));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(ok(typeof address === 'object' && address !== null ? address.port : port));
    });
  });
}
