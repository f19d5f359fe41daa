/**
 * Errors that cross a boundary (engine process, IPC, HTTP, CLI) are data, never thrown objects.
 * The codes are one closed list; cancellation is its own code and is not a failure.
 */
export const ERROR_CODES = [
  'MODEL_INVALID',
  'MODEL_NOT_FOUND',
  'CONFIG_INVALID',
  'CHECKPOINT_INVALID',
  'DEVICE_UNAVAILABLE',
  'BUDGET_TOO_SMALL',
  'PROMPT_TOO_LONG',
  'CANCELLED',
  'ENGINE_CRASHED',
  'ENGINE_BUSY',
  'IO_ERROR',
  'DISK_FULL',
  'BAD_REQUEST',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface AppError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: Record<string, unknown>;
}

export type Result<T, E = AppError> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E = AppError>(error: E): Result<never, E> => ({ ok: false, error });

export function appError(code: ErrorCode, message: string, details?: Record<string, unknown>): AppError {
  return details === undefined ? { code, message } : { code, message, details };
}

/** Thrown only inside a module and converted to a value at its boundary. */
export class AppFailure extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
    this.name = `AppFailure(${error.code})`;
  }
}

export function isAppError(value: unknown): value is AppError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AppError).code === 'string' &&
    (ERROR_CODES as readonly string[]).includes((value as AppError).code) &&
    typeof (value as AppError).message === 'string'
  );
}

/** Turns anything caught into an AppError, keeping the code of an AppFailure. */
export function toAppError(caught: unknown, fallback: ErrorCode = 'INTERNAL'): AppError {
  if (caught instanceof AppFailure) return caught.error;
  if (isAppError(caught)) return caught;
  const message = caught instanceof Error ? caught.message : String(caught);
  const nodeCode = (caught as { code?: unknown } | null)?.code;
  if (nodeCode === 'ENOSPC') return appError('DISK_FULL', `Disk full: ${message}`);
  if (nodeCode === 'ENOENT') return appError('MODEL_NOT_FOUND', message);
  return appError(fallback, message);
}
