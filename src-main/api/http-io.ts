/**
 * Small node:http helpers for the API server: bounded JSON body reading, JSON and error replies, and the
 * bearer-token check (constant time).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiErrorBody, bodyTooLarge, invalidRequest, type ApiError } from './api-error.ts';

export type BodyResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: ApiError };

/**
 * Reads the whole body and parses it as JSON. Stops reading (413) once more than `limitBytes` arrived or
 * Content-Length already announces more. An empty body is invalid JSON.
 */
export function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<BodyResult> {
  const announced = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(announced) && announced > limitBytes) {
    req.resume();
    return Promise.resolve({ ok: false, error: bodyTooLarge(limitBytes) });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: BodyResult): void => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limitBytes) {
        settle({ ok: false, error: bodyTooLarge(limitBytes) });
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => settle({ ok: false, error: invalidRequest('The request body could not be read.') }));
    req.on('end', () => {
      try {
        settle({ ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown });
      } catch (caught) {
        const detail = caught instanceof Error ? caught.message : String(caught);
        settle({ ok: false, error: invalidRequest(`The request body is not valid JSON (${detail}).`, null, 'invalid_json') });
      }
    });
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: ApiError, headers: Record<string, string> = {}): void {
  sendJson(res, error.status, apiErrorBody(error), headers);
}

/** SHA-256 both sides first so the comparison takes the same time whatever the lengths. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** True when the `Authorization: Bearer <token>` header carries exactly `token`. */
export function hasBearerToken(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return false;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const given = match?.[1] ?? '';
  const same = timingSafeEqual(digest(given), digest(token));
  return same && given.length > 0;
}
