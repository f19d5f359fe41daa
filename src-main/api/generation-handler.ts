/**
 * POST /v1/chat/completions and POST /v1/completions after the body is read: validate, resolve the model,
 * wait for the shared engine's turn, check the prompt against the budget, generate, and reply as one JSON
 * object or as an SSE stream. Reports one ApiRequestMetrics per request.
 */
import type { ServerResponse } from 'node:http';
import { toAppError, type AppError } from '../contract/errors.ts';
import type { FinishReason, GenerationMetrics, SamplingParams } from '../contract/domain.ts';
import type { ApiBackend, ApiModel } from './api-backend.ts';
import { apiErrorBody, fromAppError, invalidRequest, modelNotFound, queueFull, serverError, type ApiError } from './api-error.ts';
import { sendError, sendJson } from './http-io.ts';
import * as objects from './openai-objects.ts';
import { parseChatRequest, parseCompletionRequest, type ApiEndpoint, type GenerationRequest } from './request-parsing.ts';
import type { ApiRequestMetrics, ApiRequestOutcome, RequestMetricsListener } from './request-metrics.ts';
import type { RequestQueue } from './request-queue.ts';
import { resolveSampling } from './resolve-sampling.ts';
import { SseStream } from './sse-stream.ts';

export interface GenerationDeps {
  readonly backend: ApiBackend;
  readonly queue: RequestQueue;
  /** The app's sampling for values the client leaves unset, read per request. */
  readonly defaults: () => SamplingParams;
  readonly report: RequestMetricsListener;
}

/** Seconds a refused client is told to wait (Retry-After on 429). */
const RETRY_AFTER_SECONDS = 1;

/** What the request produced, for its metrics. */
interface Tally {
  requestId: string;
  model: string;
  stream: boolean;
  queuedMs: number;
  promptTokens: number;
  completionTokens: number;
  finishReason?: FinishReason;
  generation?: GenerationMetrics;
}

export async function handleGeneration(
  deps: GenerationDeps,
  endpoint: ApiEndpoint,
  body: unknown,
  res: ServerResponse,
  signal: AbortSignal,
): Promise<void> {
  const startedAt = Date.now();
  const tally: Tally = { requestId: objects.newIdentity(endpoint, '').id, model: '', stream: false, queuedMs: 0, promptTokens: 0, completionTokens: 0 };
  const finish = (outcome: ApiRequestOutcome, status: number, error?: string): void => {
    const metrics: ApiRequestMetrics = { ...tally, endpoint, status, outcome, startedAt, totalMs: Date.now() - startedAt, ...(error === undefined ? {} : { error }) };
    deps.report(metrics);
  };
  const reject = (error: ApiError, headers: Record<string, string> = {}): void => {
    sendError(res, error, headers);
    finish(error.status >= 500 ? 'failed' : 'rejected', error.status, error.message);
  };

  const parsed = endpoint === 'chat' ? parseChatRequest(body) : parseCompletionRequest(body);
  if (!parsed.ok) return reject(parsed.error);
  const request = parsed.request;
  Object.assign(tally, { model: request.model, stream: request.stream });

  const modelError = await checkModel(deps.backend, request, false);
  if (modelError) return reject(modelError);

  const queuedAt = Date.now();
  const turn = await deps.queue.acquire(signal);
  tally.queuedMs = Date.now() - queuedAt;
  if (!turn.ok) {
    if (turn.reason === 'aborted') return finish('cancelled', 0);
    return reject(queueFull(deps.queue.limit), { 'Retry-After': String(RETRY_AFTER_SECONDS) });
  }
  try {
    const activeError = await checkModel(deps.backend, request, true);
    if (activeError) return reject(activeError);
    const count = await deps.backend.countTokens(request.input, signal);
    if (signal.aborted) return finish('cancelled', 0);
    if (!count.ok) return reject(fromAppError(count.error));
    tally.promptTokens = count.value.tokens;
    const sampling = resolveSampling(deps.defaults(), request.overrides, count.value);
    if (!sampling.ok) return reject(sampling.error);
    const outcome = await generate(deps.backend, request, sampling.sampling, res, signal, tally);
    finish(outcome.outcome, outcome.status, outcome.error);
  } catch (caught) {
    reject(serverError(toAppError(caught).message));
  } finally {
    turn.release();
  }
}

/**
 * Before queueing: the model must be installed, and chat needs an instruct model. After the turn is ours
 * (`mustBeLoaded`): it must also be the model loaded in the engine.
 */
async function checkModel(backend: ApiBackend, request: GenerationRequest, mustBeLoaded: boolean): Promise<ApiError | undefined> {
  if (mustBeLoaded) {
    const active = await backend.activeModel();
    if (active?.id === request.model) return undefined;
    const loaded = active ? `'${active.id}' is loaded` : 'no model is loaded';
    return invalidRequest(
      `The model '${request.model}' is installed but not loaded (${loaded}). Load it in Hymba Desk or start \`hymba serve --api --model ${request.model}\`.`,
      'model',
      'model_not_loaded',
    );
  }
  const model: ApiModel | undefined = (await backend.listModels()).find((m) => m.id === request.model);
  if (!model) return modelNotFound(request.model);
  if (request.endpoint === 'chat' && model.kind !== 'instruct') {
    return invalidRequest(
      `The model '${model.id}' is a base model and has no chat template: use POST /v1/completions with a 'prompt' for base models.`,
      'model',
      'model_not_chat',
    );
  }
  return undefined;
}

interface GenerationOutcome {
  readonly outcome: ApiRequestOutcome;
  readonly status: number;
  readonly error?: string;
}

async function generate(
  backend: ApiBackend,
  request: GenerationRequest,
  sampling: SamplingParams,
  res: ServerResponse,
  signal: AbortSignal,
  tally: Tally,
): Promise<GenerationOutcome> {
  const identity = objects.newIdentity(request.endpoint, request.model);
  tally.requestId = identity.id;
  const sse = request.stream ? new SseStream(res) : undefined;
  const openStream = (): void => {
    if (!sse || sse.opened) return;
    sse.open();
    if (request.endpoint === 'chat') sse.send(objects.roleChunk(identity));
  };
  const failWith = (error: AppError): GenerationOutcome => {
    const apiError = fromAppError(error);
    if (sse?.opened) sse.fail(apiErrorBody(apiError));
    else sendError(res, apiError);
    return { outcome: apiError.status >= 500 ? 'failed' : 'rejected', status: sse?.opened ? 200 : apiError.status, error: error.message };
  };

  try {
    for await (const event of backend.generate(request.input, sampling, signal)) {
      // After a disconnect the events still count (the engine confirms the cancel), but nothing is sent.
      if (event.type === 'token') {
        tally.completionTokens += 1;
        if (sse && !signal.aborted && event.text.length > 0) {
          openStream();
          sse.send(objects.textChunk(request.endpoint, identity, event.text, null));
        }
      } else if (event.type === 'error') {
        if (signal.aborted) break;
        return failWith(event.error);
      } else if (event.type === 'done') {
        tally.finishReason = event.finishReason;
        tally.generation = event.metrics;
        tally.promptTokens = event.metrics.promptTokens;
        tally.completionTokens = event.metrics.generatedTokens;
        if (signal.aborted) break;
        reply(request, identity, event.text, objects.toOpenAiFinishReason(event.finishReason), tally, res, sse, openStream);
        return { outcome: 'completed', status: 200 };
      }
    }
  } catch (caught) {
    if (!signal.aborted) return failWith(toAppError(caught));
  }
  if (signal.aborted) return { outcome: 'cancelled', status: sse?.opened ? 200 : 0 };
  return failWith({ code: 'ENGINE_CRASHED', message: 'The engine ended the generation without a result.' });
}

function reply(
  request: GenerationRequest,
  identity: objects.ResponseIdentity,
  text: string,
  finishReason: objects.OpenAiFinishReason,
  tally: Tally,
  res: ServerResponse,
  sse: SseStream | undefined,
  openStream: () => void,
): void {
  const counts = objects.usage(tally.promptTokens, tally.completionTokens);
  if (!sse) {
    sendJson(res, 200, objects.completionObject(request.endpoint, identity, text, finishReason, counts));
    return;
  }
  openStream();
  sse.send(objects.textChunk(request.endpoint, identity, '', finishReason));
  if (request.includeUsage) sse.send(objects.usageChunk(request.endpoint, identity, counts));
  sse.done();
}
