/**
 * Errors in OpenAI's JSON shape `{ error: { message, type, param, code } }` with their HTTP status, and the
 * mapping from the app's AppError codes to them.
 */
import type { AppError } from '../contract/errors.ts';

export interface ApiError {
  readonly status: number;
  readonly message: string;
  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;
}

/** The body OpenAI clients parse into their APIError. */
export interface ApiErrorBody {
  readonly error: { readonly message: string; readonly type: string; readonly param: string | null; readonly code: string | null };
}

export function apiErrorBody(error: ApiError): ApiErrorBody {
  return { error: { message: error.message, type: error.type, param: error.param, code: error.code } };
}

export const invalidRequest = (message: string, param: string | null = null, code: string | null = null): ApiError => ({
  status: 400,
  message,
  type: 'invalid_request_error',
  param,
  code,
});

export const contextLengthExceeded = (message: string): ApiError => ({
  status: 400,
  message,
  type: 'invalid_request_error',
  param: 'messages',
  code: 'context_length_exceeded',
});

export const unauthorized = (message: string): ApiError => ({
  status: 401,
  message,
  type: 'invalid_request_error',
  param: null,
  code: 'invalid_api_key',
});

export const notFound = (message: string, param: string | null = null, code: string | null = null): ApiError => ({
  status: 404,
  message,
  type: 'invalid_request_error',
  param,
  code,
});

export const modelNotFound = (model: string): ApiError =>
  notFound(`The model '${model}' does not exist. GET /v1/models lists the installed models.`, 'model', 'model_not_found');

export const bodyTooLarge = (limitBytes: number): ApiError => ({
  status: 413,
  message: `Request body is larger than ${limitBytes} bytes.`,
  type: 'invalid_request_error',
  param: null,
  code: 'request_too_large',
});

export const queueFull = (limit: number): ApiError => ({
  status: 429,
  message: `Too many requests: ${limit} already wait for the model. Retry later.`,
  type: 'rate_limit_error',
  param: null,
  code: 'queue_full',
});

export const serverError = (message: string, code: string | null = null): ApiError => ({
  status: 500,
  message,
  type: 'server_error',
  param: null,
  code,
});

export const serviceUnavailable = (message: string, code: string | null = null): ApiError => ({
  status: 503,
  message,
  type: 'server_error',
  param: null,
  code,
});

/** Maps an engine or service failure to the HTTP error a client sees. */
export function fromAppError(error: AppError): ApiError {
  switch (error.code) {
    case 'BAD_REQUEST':
      return invalidRequest(error.message);
    case 'PROMPT_TOO_LONG':
    case 'BUDGET_TOO_SMALL':
      return contextLengthExceeded(error.message);
    case 'MODEL_NOT_FOUND':
      return notFound(error.message, 'model', 'model_not_found');
    case 'ENGINE_BUSY':
      return serviceUnavailable(error.message, 'engine_busy');
    case 'ENGINE_CRASHED':
      return serviceUnavailable(error.message, 'engine_crashed');
    case 'DEVICE_UNAVAILABLE':
      return serviceUnavailable(error.message, 'device_unavailable');
    case 'CANCELLED':
      return serviceUnavailable(error.message, 'cancelled');
    default:
      return serverError(error.message, error.code.toLowerCase());
  }
}
