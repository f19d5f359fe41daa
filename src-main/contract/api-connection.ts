/**
 * The local OpenAI-compatible API as clients see it: the default endpoint, the base URL clients need and a
 * copyable curl example (shown in Settings, printed by `hymba serve --api`). Pure (no imports), so the
 * renderer, the services and the server share it.
 */

/** The interface the API binds unless the user explicitly chooses another. */
export const DEFAULT_API_HOST = '127.0.0.1';
/** The API port unless the settings or `--api-port` say otherwise. */
export const DEFAULT_API_PORT = 8737;

export interface ApiEndpointInfo {
  /** The bound interface (0.0.0.0 / :: mean every interface; the URL then uses loopback). */
  readonly host: string;
  readonly port: number;
  readonly token: string;
  /** A model id for the example; the example uses a placeholder when absent. */
  readonly modelId?: string;
  /** Base models get a /v1/completions example, instruct models (and unknown) a chat one. */
  readonly modelKind?: 'base' | 'instruct';
}

export interface ApiConnectionInfo {
  /** e.g. http://127.0.0.1:8737/v1 */
  readonly baseUrl: string;
  /** A POSIX-shell curl command that sends one request with the token. */
  readonly curlExample: string;
}

/** The host a local client should dial for a server bound to `host`. */
function dialHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

export function apiBaseUrl(host: string, port: number): string {
  return `http://${dialHost(host)}:${port}/v1`;
}

/** Single-quotes a string for a POSIX shell. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function apiConnectionInfo(info: ApiEndpointInfo): ApiConnectionInfo {
  const baseUrl = apiBaseUrl(info.host, info.port);
  const model = info.modelId ?? '<model id from /v1/models>';
  const [path, body] =
    info.modelKind === 'base'
      ? ['completions', { model, prompt: 'Once upon a time', max_tokens: 64 }]
      : ['chat/completions', { model, messages: [{ role: 'user', content: 'Hello!' }] }];
  const curlExample = [
    `curl ${baseUrl}/${path} \\`,
    `  -H ${shellQuote(`Authorization: Bearer ${info.token}`)} \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d ${shellQuote(JSON.stringify(body))}`,
  ].join('\n');
  return { baseUrl, curlExample };
}
