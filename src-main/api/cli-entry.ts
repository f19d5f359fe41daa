/**
 * The API part of `hymba serve --api [--api-port N] [--api-token T] [--api-host H]`: the flags to add to
 * serve's parser and the function serve calls once its backend exists. Prints exactly one line,
 * `OpenAI API: http://127.0.0.1:<port>/v1`, plus the token when it was generated for this run (without the
 * app's settings; on the app services the Settings token applies, see services-backend.ts).
 */
import { randomBytes } from 'node:crypto';
import { appError, err, ok, type Result } from '../contract/errors.ts';
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
  '  --api               start the OpenAI-compatible API for this run (Settings can also keep it on);',
  '                      the flags below override the API settings for this run',
  `  --api-port N        API port (default: Settings, ${DEFAULT_API_PORT}; 0 picks a free one)`,
  '  --api-token T       bearer token clients must send (default: $HYMBA_API_TOKEN, else the one in Settings)',
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

/** What the API flags ask for; absent values were not given (neither by a flag nor, for the token, $HYMBA_API_TOKEN). */
export interface ApiFlagValues {
  readonly host?: string;
  readonly port?: number;
  readonly token?: string;
}

/** Reads `--api-port`, `--api-token` (else $HYMBA_API_TOKEN) and `--api-host`; a bad value is a BAD_REQUEST. */
export function readApiFlags(flags: ApiCliFlags, env: Readonly<Record<string, string | undefined>> = process.env): Result<ApiFlagValues> {
  const portFlag = flags['api-port'];
  const port = portFlag === undefined ? undefined : Number(portFlag);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    return err(appError('BAD_REQUEST', `--api-port must be an integer from 0 to 65535, got "${String(portFlag)}"`));
  }
  const tokenFlag = flags['api-token'];
  if (tokenFlag !== undefined && (typeof tokenFlag !== 'string' || tokenFlag.length === 0)) {
    return err(appError('BAD_REQUEST', '--api-token must not be empty'));
  }
  const token = tokenFlag ?? env['HYMBA_API_TOKEN'];
  const hostFlag = flags['api-host'];
  return ok({
    ...(port === undefined ? {} : { port }),
    ...(typeof token === 'string' && token.length > 0 ? { token } : {}),
    ...(typeof hostFlag === 'string' && hostFlag.length > 0 ? { host: hostFlag } : {}),
  });
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
  const values = readApiFlags(flags, options.env ?? process.env);
  if (!values.ok) return values;
  const port = values.value.port ?? DEFAULT_API_PORT;
  const chosenToken = values.value.token;
  const token = chosenToken ?? randomBytes(24).toString('base64url');
  const host = values.value.host ?? DEFAULT_API_HOST;

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
  if (chosenToken === undefined) log(`OpenAI API token: ${token}`);
  return started;
}
