/**
 * Browser mode: a node:http server on 127.0.0.1 that serves the renderer and carries HymbaApi over the
 * wire protocol in src-main/contract/ipc.ts (POST /api/invoke, GET /api/events as Server-Sent Events).
 *
 * Guard: every API request needs the per-launch token (Authorization: Bearer, or ?token= for the event
 * stream); the Host header must be this server's 127.0.0.1/localhost address (blocks DNS rebinding);
 * a request carrying an Origin must come from that same origin; no CORS headers are ever sent.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appError, type AppError } from '../contract/errors.ts';
import { WIRE, type HymbaApi } from '../contract/ipc.ts';
import { dispatchApiCall, forwardAllEvents } from '../contract/api-transport.ts';
import { tokenMatches } from './launch-token.ts';
import { securityHeaders, serveStatic } from './static-files.ts';

export interface BridgeOptions {
  readonly api: HymbaApi;
  readonly token: string;
  /** Built renderer folder (dist/renderer). */
  readonly rendererDir: string;
  /** 0 picks a free port. */
  readonly port: number;
}

export interface RunningBridge {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

const HEARTBEAT_MS = 15_000;

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { ...securityHeaders(), 'Content-Type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

function sendError(response: ServerResponse, status: number, error: AppError): void {
  sendJson(response, status, { ok: false, error });
}

async function readBody(request: IncomingMessage, limit: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function startBridgeServer(options: BridgeOptions): Promise<RunningBridge> {
  const streams = new Set<ServerResponse>();
  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);

  const bearer = (request: IncomingMessage): string | null => {
    const header = request.headers.authorization;
    const prefix = `${WIRE.authorizationScheme} `;
    return typeof header === 'string' && header.startsWith(prefix) ? header.slice(prefix.length).trim() : null;
  };

  const hostAllowed = (request: IncomingMessage): boolean => {
    const host = request.headers.host ?? '';
    if (!allowedHosts().has(host)) return false;
    const origin = request.headers.origin;
    return origin === undefined || origin === `http://${host}`;
  };

  async function handleInvoke(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!tokenMatches(options.token, bearer(request))) return sendError(response, 401, appError('BAD_REQUEST', 'Missing or wrong token'));
    const type = request.headers['content-type'] ?? '';
    if (!type.startsWith('application/json')) return sendError(response, 415, appError('BAD_REQUEST', 'Send application/json'));
    const text = await readBody(request, WIRE.maxBodyBytes);
    if (text === null) return sendError(response, 413, appError('BAD_REQUEST', 'Request too large'));
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return sendError(response, 400, appError('BAD_REQUEST', 'The body is not JSON'));
    }
    const call = body as { method?: unknown; args?: unknown };
    if (typeof call !== 'object' || call === null || typeof call.method !== 'string' || !Array.isArray(call.args)) {
      return sendError(response, 400, appError('BAD_REQUEST', 'Expected {"method": string, "args": array}'));
    }
    const result = await dispatchApiCall(options.api, call.method, call.args);
    if (!result.ok && result.error.code === 'BAD_REQUEST' && result.error.message.startsWith('Unknown method')) return sendError(response, 404, result.error);
    sendJson(response, 200, result);
  }

  function handleEvents(request: IncomingMessage, response: ServerResponse, url: URL): void {
    if (!tokenMatches(options.token, url.searchParams.get(WIRE.tokenParam) ?? bearer(request))) {
      return sendError(response, 401, appError('BAD_REQUEST', 'Missing or wrong token'));
    }
    response.writeHead(200, { ...securityHeaders(), 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
    response.write(`event: ${WIRE.readyEvent}\ndata: {}\n\n`);
    streams.add(response);
    const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), HEARTBEAT_MS);
    request.on('close', () => {
      clearInterval(heartbeat);
      streams.delete(response);
    });
  }

  const stopForwarding = forwardAllEvents(options.api, (event, payload) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const stream of streams) stream.write(frame);
  });

  const server: Server = createServer((request, response) => {
    if (!hostAllowed(request)) return sendError(response, 403, appError('BAD_REQUEST', 'Host or Origin not allowed'));
    const url = new URL(request.url ?? '/', `http://${request.headers.host}`);
    if (url.pathname === WIRE.invokePath) {
      if (request.method !== 'POST') return sendError(response, 405, appError('BAD_REQUEST', 'Use POST'));
      handleInvoke(request, response).catch((caught: unknown) => sendError(response, 500, appError('INTERNAL', String(caught))));
      return;
    }
    if (url.pathname === WIRE.eventsPath) {
      if (request.method !== 'GET') return sendError(response, 405, appError('BAD_REQUEST', 'Use GET'));
      return handleEvents(request, response, url);
    }
    if (url.pathname.startsWith('/api/')) return sendError(response, 404, appError('BAD_REQUEST', 'Unknown endpoint'));
    if (request.method !== 'GET' && request.method !== 'HEAD') return sendError(response, 405, appError('BAD_REQUEST', 'Use GET'));
    void serveStatic(options.rendererDir, url.pathname, response);
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      port = (server.address() as AddressInfo).port;
      resolve({
        port,
        url: `http://127.0.0.1:${port}/?${WIRE.tokenParam}=${options.token}`,
        close: () =>
          new Promise<void>((done) => {
            stopForwarding();
            for (const stream of streams) stream.end();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
