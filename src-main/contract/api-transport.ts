/**
 * Both ends of any HymbaApi transport, written once from the contract tables in ipc.ts:
 * - `createApiClient(transport)` builds a `HymbaApi` whose methods forward to `transport.invoke`
 *   (used by the Electron preload and the browser client);
 * - `dispatchApiCall(api, method, args)` validates a call that arrived from outside and runs it on a
 *   `HymbaApi` implementation (used by ipcMain wiring and the HTTP bridge).
 */
import { appError, err, toAppError, type Result } from './errors.ts';
import {
  API_ARGUMENTS,
  API_DOMAINS,
  API_EVENTS,
  isApiMethodName,
  type ApiDomain,
  type ApiEventName,
  type ApiEventPayloads,
  type ApiMethodName,
  type HymbaApi,
  type Unsubscribe,
} from './ipc.ts';
import type { Schema } from './schema.ts';

/** What a transport has to provide to back a HymbaApi client. */
export interface ApiTransport {
  invoke(method: ApiMethodName, args: readonly unknown[]): Promise<Result<unknown>>;
  subscribe<E extends ApiEventName>(event: E, listener: (payload: ApiEventPayloads[E]) => void): Unsubscribe;
}

type AnyFunction = (...args: unknown[]) => unknown;

/** Builds the domain API on top of a transport: one method per message, one subscriber per event. */
export function createApiClient(transport: ApiTransport): HymbaApi {
  const api: Record<string, Record<string, AnyFunction>> = {};
  for (const domain of API_DOMAINS) {
    const group: Record<string, AnyFunction> = {};
    for (const verb of Object.keys(API_ARGUMENTS[domain])) {
      const method = `${domain}.${verb}` as ApiMethodName;
      group[verb] = (...args: unknown[]) => transport.invoke(method, args);
    }
    for (const [subscriber, event] of Object.entries(API_EVENTS[domain]) as [string, ApiEventName][]) {
      group[subscriber] = (listener: unknown) => transport.subscribe(event, listener as (payload: unknown) => void);
    }
    api[domain] = Object.freeze(group);
  }
  return Object.freeze(api) as unknown as HymbaApi;
}

/** Checks a method name and its arguments against the contract; the error is a BAD_REQUEST value. */
export function validateApiCall(method: unknown, args: unknown): Result<{ method: ApiMethodName; args: unknown[] }> {
  if (!isApiMethodName(method)) return err(appError('BAD_REQUEST', `Unknown method ${JSON.stringify(method)}`));
  const [domain, verb] = method.split('.') as [ApiDomain, string];
  const schema = (API_ARGUMENTS[domain] as Record<string, Schema<unknown[]>>)[verb];
  if (!schema) return err(appError('BAD_REQUEST', `Unknown method ${method}`));
  const checked = schema.check(args, 'args');
  if (!checked.ok) return err(appError('BAD_REQUEST', `Invalid arguments for ${method}: ${checked.issue}`));
  return { ok: true, value: { method, args: checked.value } };
}

/**
 * Validates and runs one call on an API implementation. Never throws: a thrown error or a rejected
 * promise from the implementation becomes an INTERNAL (or AppFailure's own) error value.
 */
export async function dispatchApiCall(api: HymbaApi, method: unknown, args: unknown): Promise<Result<unknown>> {
  const checked = validateApiCall(method, args);
  if (!checked.ok) return checked;
  const [domain, verb] = checked.value.method.split('.') as [ApiDomain, string];
  const target = (api[domain] as unknown as Record<string, AnyFunction>)[verb];
  if (typeof target !== 'function') return err(appError('INTERNAL', `${checked.value.method} is not implemented`));
  try {
    const result = (await target.apply(api[domain], checked.value.args)) as Result<unknown>;
    return result;
  } catch (caught) {
    return err(toAppError(caught));
  }
}

/** Subscribes one sink to every API event of an implementation; returns one unsubscribe for all. */
export function forwardAllEvents(api: HymbaApi, sink: <E extends ApiEventName>(event: E, payload: ApiEventPayloads[E]) => void): Unsubscribe {
  const unsubscribes: Unsubscribe[] = [];
  for (const domain of API_DOMAINS) {
    const group = api[domain] as unknown as Record<string, (listener: (payload: unknown) => void) => Unsubscribe>;
    for (const [subscriber, event] of Object.entries(API_EVENTS[domain]) as [string, ApiEventName][]) {
      const subscribe = group[subscriber];
      if (subscribe) unsubscribes.push(subscribe.call(group, (payload) => sink(event, payload as ApiEventPayloads[typeof event])));
    }
  }
  return () => unsubscribes.splice(0).forEach((unsubscribe) => unsubscribe());
}
