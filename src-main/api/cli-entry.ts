/**
 * The API part of `hymba serve --api [--api-port N] [--api-token T] [--api-host H]`: the flags to add to
 * serve's parser and the function serve calls once its backend exists. Prints exactly one line,
 * `OpenAI API: http://127.0.0.1:<port>/v1`, plus the token when it was generated for this run.
 */
import { randomBytes } from 'node:crypto';
import { appError, err, type Result } from '../contract/errors.ts';
import type { SamplingParams } from '../contract/domain.ts';
import type { ApiBackend } from './api-backend.ts';
import { createApiServer, DEFAULT_API_HOST, DEFAULT_API_PORT, type RunningApiServer } from './api-server.ts';
import type { RequestMetricsListener } from './request-metrics.ts';

/** Flags for serve's parseCliArgs spec (same shape as FlagSpec in src-main/cli/args.ts). */
export const API_CLI_FLAGS = {
  api: { type: 'boolean' },
  'api-port': { type: 'string' },
  'api-token': { type: 'string' },
  'api-host': { type: 'string' },
} as const;

/** Usage lines for serve's --help. */
export const API_CLI_USAGE = [
  '  --api               also start the OpenAI-compatible API (off by default)',
  `  --api-port N        API port (default ${DEFAULT_API_PORT}; 0 picks a free one)`,
  '  --api-token T       bearer token clients must send (default: $HYMBA_API_TOKEN, else a new random one, printed)',
  `  --api-host H        interface to bind (default ${DEFAULT_API_HOST}; anything else exposes the model to the network)`,
].join('\n');

/** Parsed flag values as parseCliArgs returns them. */
export type ApiCliFlags = Readonly<Record<string, string | boolean | string[] | undefined>>;

export interface ApiCliOptions {
  readonly log?: (line: string) => void;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly defaultSampling?: SamplingParams | (() => SamplingParams);
  readonly queueLimit?: number;
  readonly onRequestMetrics?: RequestMetricsListener;
}

/**
 * Starts the API server when `--api` is set; resolves to null when it is not. Errors (bad port, port in
 * use) come back as values for serve to print.
 */
export async function startApiFromCli(
  flags: ApiCliFlags,
  backend: ApiBackend,
  options: ApiCliOptions = {},
): Promise<Result<RunningApiServer | null>> {
  if (flags['api'] !== true) return { ok: true, value: null };
  const log = options.log ?? ((line: string) => console.log(line));
  const env = options.env ?? process.env;
  const portFlag = flags['api-port'];
  const port = portFlag === undefined ? DEFAULT_API_PORT : Number(portFlag);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    return err(appError('BAD_REQUEST', `--api-port must be an integer from 0 to 65535, got "${String(portFlag)}"`));
  }
  const tokenFlag = flags['api-token'];
  if (tokenFlag !== undefined && (typeof tokenFlag !== 'string' || tokenFlag.length === 0)) {
    return err(appError('BAD_REQUEST', '--api-token must not be empty'));
  }
  const chosenToken = tokenFlag ?? env['HYMBA_API_TOKEN'];
  const token = typeof chosenToken === 'string' && chosenToken.length > 0 ? chosenToken : randomBytes(24).toString('base64url');
  const hostFlag = flags['api-host'];
  const host = typeof hostFlag === 'string' && hostFlag.length > 0 ? hostFlag : DEFAULT_API_HOST;

  const started = await createApiServer({
    backend,
    host,
    port,
    token,
    ...(options.queueLimit === undefined ? {} : { queueLimit: options.queueLimit }),
    ...(options.defaultSampling === undefined ? {} : { defaultSampling: options.defaultSampling }),
    ...(options.onRequestMetrics === undefined ? {} : { onRequestMetrics: options.onRequestMetrics }),
  });
  if (!started.ok) return started;
  log(`OpenAI API: ${started.value.baseUrl}`);
  if (chosenToken === undefined || chosenToken === '') log(`OpenAI API token: ${token}`);
  return started;
}
