/**
 * Validation of the JSON bodies of POST /v1/chat/completions and POST /v1/completions into the app's
 * GenerationInput and sampling overrides. Pure functions over plain data; every rejection names the
 * offending parameter the way OpenAI does (`param`).
 *
 * Supported: model, messages | prompt, stream, stream_options.include_usage, temperature, top_p,
 * max_tokens, max_completion_tokens, stop, seed, n (1 only). Parameters OpenAI defines but the engine does
 * not implement are accepted only at their neutral value; unknown parameters are ignored.
 */
import type { ChatMessage, GenerationInput } from '../contract/domain.ts';
import { invalidRequest, type ApiError } from './api-error.ts';

export type ApiEndpoint = 'chat' | 'completion';

/** Sampling values the client set; the rest come from the app's defaults. */
export interface SamplingOverrides {
  readonly temperature?: number;
  readonly topP?: number;
  readonly maxTokens?: number;
  readonly seed?: number;
  readonly stop?: readonly string[];
}

export interface GenerationRequest {
  readonly endpoint: ApiEndpoint;
  readonly model: string;
  readonly input: GenerationInput;
  readonly overrides: SamplingOverrides;
  readonly stream: boolean;
  /** stream_options.include_usage: send a last chunk with usage before [DONE]. */
  readonly includeUsage: boolean;
}

export type ParseResult = { readonly ok: true; readonly request: GenerationRequest } | { readonly ok: false; readonly error: ApiError };

const MAX_STOP_SEQUENCES = 4;

/** Thrown inside this module only; parse functions return it as a value. */
class Invalid extends Error {
  constructor(readonly apiError: ApiError) {
    super(apiError.message);
  }
}

function fail(message: string, param: string | null, code: string | null = null): never {
  throw new Invalid(invalidRequest(message, param, code));
}

type Body = Record<string, unknown>;

export function parseChatRequest(body: unknown): ParseResult {
  return parseWith(body, 'chat', (b) => ({ mode: 'chat', messages: parseMessages(b['messages']) }));
}

export function parseCompletionRequest(body: unknown): ParseResult {
  return parseWith(body, 'completion', (b) => ({ mode: 'completion', prompt: parsePrompt(b['prompt']) }));
}

function parseWith(body: unknown, endpoint: ApiEndpoint, input: (b: Body) => GenerationInput): ParseResult {
  try {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) fail('The request body must be a JSON object.', null);
    const b = body as Body;
    const model = b['model'];
    if (typeof model !== 'string' || model.length === 0) fail("'model' is required and must be a non-empty string.", 'model');
    rejectUnsupported(b, endpoint);
    const streamOptions = parseStreamOptions(b['stream_options']);
    const stream = optionalBoolean(b, 'stream') ?? false;
    if (!stream && streamOptions.given) fail("'stream_options' is only allowed when 'stream' is true.", 'stream_options');
    return {
      ok: true,
      request: {
        endpoint,
        model: model as string,
        input: input(b),
        overrides: parseOverrides(b, endpoint),
        stream,
        includeUsage: streamOptions.includeUsage,
      },
    };
  } catch (caught) {
    if (caught instanceof Invalid) return { ok: false, error: caught.apiError };
    throw caught;
  }
}

function parseMessages(value: unknown): ChatMessage[] {
  if (!Array.isArray(value) || value.length === 0) fail("'messages' must be a non-empty array.", 'messages');
  return (value as unknown[]).map((message, i) => parseMessage(message, `messages[${i}]`));
}

function parseMessage(value: unknown, param: string): ChatMessage {
  if (typeof value !== 'object' || value === null) fail(`'${param}' must be an object.`, param);
  const m = value as Body;
  const role = m['role'];
  const mapped = role === 'developer' ? 'system' : role;
  if (mapped !== 'system' && mapped !== 'user' && mapped !== 'assistant') {
    fail(`'${param}.role' must be 'system', 'developer', 'user' or 'assistant'; got ${JSON.stringify(role)}.`, `${param}.role`);
  }
  if (m['tool_calls'] !== undefined && m['tool_calls'] !== null) fail('Tool calls are not supported.', `${param}.tool_calls`);
  return { role: mapped as ChatMessage['role'], content: parseContent(m['content'], `${param}.content`) };
}

/** A string, or an array of text parts (`{ type: 'text', text }`) that are joined. */
function parseContent(value: unknown, param: string): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    return value
      .map((part: unknown, i) => {
        const p = part as Body | null;
        if (typeof p !== 'object' || p === null || p['type'] !== 'text' || typeof p['text'] !== 'string') {
          fail(`'${param}[${i}]' must be a text part ({"type":"text","text":...}); only text is supported.`, `${param}[${i}]`);
        }
        return (p as Body)['text'] as string;
      })
      .join('');
  }
  return fail(`'${param}' must be a string or an array of text parts.`, param);
}

/** A string, or an array holding exactly one string (one choice per request). */
function parsePrompt(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'string') return value[0];
  if (Array.isArray(value) && value.length > 1 && value.every((v) => typeof v === 'string')) {
    return fail('Only one prompt per request is supported.', 'prompt');
  }
  return fail("'prompt' must be a string (token arrays are not supported).", 'prompt');
}

function parseOverrides(b: Body, endpoint: ApiEndpoint): SamplingOverrides {
  const temperature = optionalNumber(b, 'temperature', 0, 2);
  const topP = optionalNumber(b, 'top_p', 0, 1);
  const seed = optionalInteger(b, 'seed', Number.MIN_SAFE_INTEGER);
  const maxTokens = optionalInteger(b, 'max_tokens', 1);
  const maxCompletionTokens = endpoint === 'chat' ? optionalInteger(b, 'max_completion_tokens', 1) : undefined;
  if (maxTokens !== undefined && maxCompletionTokens !== undefined && maxTokens !== maxCompletionTokens) {
    fail("Set only one of 'max_tokens' and 'max_completion_tokens'.", 'max_completion_tokens');
  }
  const stop = parseStop(b['stop']);
  return {
    ...(temperature === undefined ? {} : { temperature }),
    ...(topP === undefined ? {} : { topP }),
    ...(seed === undefined ? {} : { seed }),
    ...((maxCompletionTokens ?? maxTokens) === undefined ? {} : { maxTokens: maxCompletionTokens ?? maxTokens }),
    ...(stop === undefined ? {} : { stop }),
  };
}

function parseStop(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string' && s.length > 0)) {
    fail("'stop' must be a non-empty string or an array of non-empty strings.", 'stop');
  }
  if ((list as string[]).length > MAX_STOP_SEQUENCES) fail(`'stop' allows at most ${MAX_STOP_SEQUENCES} sequences.`, 'stop');
  return (list as string[]).length === 0 ? undefined : (list as string[]);
}

function parseStreamOptions(value: unknown): { given: boolean; includeUsage: boolean } {
  if (value === undefined || value === null) return { given: false, includeUsage: false };
  if (typeof value !== 'object' || Array.isArray(value)) fail("'stream_options' must be an object.", 'stream_options');
  const includeUsage = (value as Body)['include_usage'];
  if (includeUsage !== undefined && includeUsage !== null && typeof includeUsage !== 'boolean') {
    fail("'stream_options.include_usage' must be a boolean.", 'stream_options.include_usage');
  }
  return { given: true, includeUsage: includeUsage === true };
}

/** Parameters OpenAI defines that the engine does not implement: allowed only at their neutral value. */
function rejectUnsupported(b: Body, endpoint: ApiEndpoint): void {
  const n = optionalInteger(b, 'n', 1);
  if (n !== undefined && n !== 1) fail("Only n=1 is supported.", 'n');
  for (const name of ['frequency_penalty', 'presence_penalty']) {
    const value = optionalNumber(b, name, -2, 2);
    if (value !== undefined && value !== 0) fail(`'${name}' is not supported; leave it at 0.`, name);
  }
  if (b['logprobs'] !== undefined && b['logprobs'] !== null && b['logprobs'] !== false) fail("'logprobs' is not supported.", 'logprobs');
  if (b['logit_bias'] !== undefined && b['logit_bias'] !== null && Object.keys(b['logit_bias'] as object).length > 0) {
    fail("'logit_bias' is not supported.", 'logit_bias');
  }
  if (endpoint === 'chat') {
    for (const name of ['tools', 'functions']) {
      const value = b[name];
      if (value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0)) fail(`'${name}' is not supported.`, name);
    }
    const format = b['response_format'] as Body | undefined | null;
    if (format !== undefined && format !== null && format['type'] !== 'text') fail("Only response_format {\"type\":\"text\"} is supported.", 'response_format');
  } else {
    if (b['echo'] === true) fail("'echo' is not supported.", 'echo');
    if (b['suffix'] !== undefined && b['suffix'] !== null && b['suffix'] !== '') fail("'suffix' is not supported.", 'suffix');
    const bestOf = optionalInteger(b, 'best_of', 1);
    if (bestOf !== undefined && bestOf !== 1) fail("Only best_of=1 is supported.", 'best_of');
  }
}

function optionalBoolean(b: Body, name: string): boolean | undefined {
  const value = b[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') fail(`'${name}' must be a boolean.`, name);
  return value as boolean;
}

function optionalNumber(b: Body, name: string, min: number, max: number): number | undefined {
  const value = b[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    fail(`'${name}' must be a number between ${min} and ${max}; got ${JSON.stringify(value)}.`, name);
  }
  return value as number;
}

function optionalInteger(b: Body, name: string, min: number): number | undefined {
  const value = b[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    fail(`'${name}' must be an integer >= ${min}; got ${JSON.stringify(value)}.`, name);
  }
  return value as number;
}
