/**
 * Runtime checks on messages arriving at the engine process: anything that is not a well-formed
 * EngineRequest is answered with BAD_REQUEST instead of being trusted.
 */
import type { EngineRequest } from './protocol.ts';

const TYPES = new Set(['load', 'unload', 'configure', 'generate', 'cancel', 'countTokens', 'status', 'devices', 'convert']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function validInput(input: unknown): boolean {
  if (!isObject(input)) return false;
  if (input.mode === 'completion') {
    const t = input.transcript;
    const validTranscript = t === undefined || (isObject(t) && typeof t.head === 'string' && Array.isArray(t.turns) && t.turns.every((x) => typeof x === 'string'));
    return typeof input.prompt === 'string' && validTranscript;
  }
  if (input.mode === 'chat') {
    return Array.isArray(input.messages) && input.messages.every((m) => isObject(m) && ['system', 'user', 'assistant'].includes(m.role as string) && typeof m.content === 'string');
  }
  return false;
}

function validSampling(s: unknown): boolean {
  if (!isObject(s)) return false;
  const num = (k: string): boolean => typeof s[k] === 'number' && Number.isFinite(s[k] as number);
  return (
    ['temperature', 'topK', 'topP', 'minP', 'repetitionPenalty', 'maxTokens'].every(num) &&
    (s.maxTokens as number) >= 1 &&
    (s.seed === undefined || num('seed')) &&
    (s.stop === undefined || (Array.isArray(s.stop) && s.stop.every((x) => typeof x === 'string')))
  );
}

const WEIGHT_FORMATS = ['int4', 'fp16', 'fp32'];

function convertProblem(message: Record<string, unknown>): string | null {
  if (typeof message.hfDir !== 'string' || typeof message.outDir !== 'string' || !isObject(message.options)) return 'convert needs hfDir, outDir and options';
  const { id, displayName, dtype } = message.options;
  if (typeof id !== 'string' || typeof displayName !== 'string') return 'convert options need id and displayName';
  if (dtype !== undefined && !WEIGHT_FORMATS.includes(dtype as string)) return `dtype must be one of ${WEIGHT_FORMATS.join(', ')}`;
  return null;
}

const DEVICES = ['auto', 'cpu', 'webgpu', 'cuda', 'dml', 'coreml'];

/** Checks the settings fields present (all required when `complete`). */
function settingsProblem(settings: Record<string, unknown>, complete: boolean): string | null {
  const has = (k: string): boolean => settings[k] !== undefined;
  if (complete && !(has('device') && has('threads') && has('cacheBudgetBytes'))) return 'settings need device, threads and cacheBudgetBytes';
  if (has('device') && !DEVICES.includes(settings.device as string)) return `device must be one of ${DEVICES.join(', ')}`;
  if (has('threads') && !(Number.isInteger(settings.threads) && (settings.threads as number) >= 0)) return 'threads must be an integer >= 0';
  if (has('cacheBudgetBytes') && !(typeof settings.cacheBudgetBytes === 'number' && settings.cacheBudgetBytes > 0)) return 'cacheBudgetBytes must be a positive number';
  if (has('allowSpinning') && typeof settings.allowSpinning !== 'boolean') return 'allowSpinning must be a boolean';
  return null;
}

/** Returns the request, or a message saying what is wrong (and the id when one could be read). */
export function checkRequest(message: unknown): { ok: true; request: EngineRequest } | { ok: false; id: string; reason: string } {
  if (!isObject(message) || typeof message.id !== 'string') return { ok: false, id: '', reason: 'a request needs a string id' };
  const id = message.id;
  if (typeof message.type !== 'string' || !TYPES.has(message.type)) return { ok: false, id, reason: `unknown request type ${JSON.stringify(message.type)}` };
  switch (message.type) {
    case 'load':
      if (typeof message.packageDir !== 'string' || !isObject(message.settings)) return { ok: false, id, reason: 'load needs packageDir and settings' };
      if (settingsProblem(message.settings, true)) return { ok: false, id, reason: settingsProblem(message.settings, true)! };
      break;
    case 'configure':
      if (!isObject(message.settings)) return { ok: false, id, reason: 'configure needs settings' };
      if (settingsProblem(message.settings, false)) return { ok: false, id, reason: settingsProblem(message.settings, false)! };
      break;
    case 'generate':
      if (!validInput(message.input)) return { ok: false, id, reason: 'generate needs a chat or completion input' };
      if (!validSampling(message.sampling)) return { ok: false, id, reason: 'generate needs complete sampling parameters (maxTokens >= 1)' };
      break;
    case 'countTokens':
      if (!validInput(message.input)) return { ok: false, id, reason: 'countTokens needs a chat or completion input' };
      break;
    case 'convert':
      if (convertProblem(message)) return { ok: false, id, reason: convertProblem(message)! };
      break;
    case 'cancel':
      if (typeof message.targetId !== 'string') return { ok: false, id, reason: 'cancel needs targetId' };
      break;
  }
  return { ok: true, request: message as unknown as EngineRequest };
}
