/**
 * The memory-budget policy: how much context a byte budget allows and what to send to the model when a
 * conversation outgrows it.
 *
 * Policy (applied before any model work, so the cache never overflows the budget):
 * 1. The budget gives the largest context T_max (real tokens; the meta prefix and the constant SSM/conv state
 *    are paid first). If not even those fit: BUDGET_TOO_SMALL.
 * 2. A request wants room for its prompt plus a reply reserve of min(maxTokens, T_max / 2) tokens.
 * 3. Chat: while that does not fit, the oldest turn (a user message and the assistant replies after it) is
 *    dropped; system messages and the last user message are always kept. A Base-model conversation (a
 *    completion with its transcript) drops its oldest turns the same way, keeping the head and the last turn.
 *    Every drop is reported.
 * 4. If the kept prompt still leaves no room for a single reply token (or a bare completion prompt is longer
 *    than T_max): PROMPT_TOO_LONG. Otherwise generation runs and stops with 'length' at T_max.
 */
import { transcriptPrompt, type ChatMessage, type ContextDrop, type GenerationInput } from '../../contract/domain.ts';
import { appError, err, ok, type Result } from '../../contract/errors.ts';
import { cacheBytesAt, maxTokensForBudget, type CacheLayout } from './cache-layout.ts';

export interface PromptPlan {
  /** Prompt ids to feed (BOS included, meta excluded). */
  readonly ids: number[];
  /** The input actually used (after drops). */
  readonly input: GenerationInput;
  readonly drop: ContextDrop | null;
  /** Largest number of positions (meta included) the cache may reach (the budget's, capped at the model's context). */
  readonly maxPositions: number;
}

/**
 * Largest real-token context for the budget, capped at the model's own context (max_position_embeddings),
 * or an error when the budget cannot hold the fixed part.
 */
export function contextLimit(layout: CacheLayout, budgetBytes: number): Result<number> {
  const tokens = maxTokensForBudget(layout, budgetBytes);
  if (tokens === null) return ok(layout.maxContextTokens);
  if (tokens < 1) {
    const need = cacheBytesAt(layout, 1).total;
    return err(appError('BUDGET_TOO_SMALL', `a cache budget of ${budgetBytes} B cannot hold the meta prefix, the SSM/conv state and one token (${need} B)`, { budgetBytes, minimumBytes: need }));
  }
  return ok(Math.min(tokens, layout.maxContextTokens));
}

export function planPrompt(
  input: GenerationInput,
  encode: (input: GenerationInput) => number[],
  layout: CacheLayout,
  budgetBytes: number,
  maxTokens: number,
): Result<PromptPlan> {
  const limit = contextLimit(layout, budgetBytes);
  if (!limit.ok) return limit;
  const maxContext = limit.value;
  const maxPositions = maxContext + layout.numMetaTokens;
  const reserve = Math.max(1, Math.min(maxTokens, Math.floor(maxContext / 2)));
  const tooLong = (tokens: number): Result<never> =>
    err(appError('PROMPT_TOO_LONG', `the prompt needs ${tokens} tokens, but the cache budget of ${budgetBytes} B holds at most ${maxContext - 1} prompt tokens plus one reply token`, { promptTokens: tokens, maxContextTokens: maxContext }));

  let ids = encode(input);
  const droppable = input.mode === 'chat' || input.transcript !== undefined;
  if (!droppable || ids.length + reserve <= maxContext) {
    return ids.length + 1 <= maxContext ? ok({ ids, input, drop: null, maxPositions }) : tooLong(ids.length);
  }
  const originalTokens = ids.length;
  let kept = input;
  let dropped = 0;
  while (ids.length + reserve > maxContext) {
    const next = withoutOldestTurn(kept);
    if (!next) break;
    dropped += next.droppedMessages;
    kept = next.input;
    ids = encode(kept);
  }
  if (ids.length + 1 > maxContext) return tooLong(ids.length);
  const drop: ContextDrop | null =
    dropped === 0
      ? null
      : {
          droppedMessages: dropped,
          droppedTokens: originalTokens - ids.length,
          reason: `conversation of ${originalTokens} tokens plus a ${reserve}-token reply exceeds the ${maxContext}-token context the cache budget allows; dropped the oldest ${dropped} message(s), kept the system prompt`,
        };
  return ok({ ids, input: kept, drop, maxPositions });
}

/** The input without its oldest droppable turn (chat messages or transcript turns), or null when none can go. */
function withoutOldestTurn(input: GenerationInput): { input: GenerationInput; droppedMessages: number } | null {
  if (input.mode === 'chat') {
    const next = dropOldestTurn(input.messages);
    return next ? { input: { mode: 'chat', messages: next }, droppedMessages: input.messages.length - next.length } : null;
  }
  const transcript = input.transcript;
  if (!transcript || transcript.turns.length <= 1) return null;
  const shorter = { head: transcript.head, turns: transcript.turns.slice(1) };
  return { input: { mode: 'completion', prompt: transcriptPrompt(shorter), transcript: shorter }, droppedMessages: 1 };
}

/**
 * Removes the oldest non-system turn: the first user message and any assistant replies up to the next user
 * message (or a leading assistant message). Returns null when only the last user message would remain.
 */
export function dropOldestTurn(messages: readonly ChatMessage[]): ChatMessage[] | null {
  const turnStart = messages.findIndex((m) => m.role !== 'system');
  if (turnStart < 0) return null;
  let turnEnd = turnStart + 1;
  while (turnEnd < messages.length && messages[turnEnd]!.role === 'assistant') turnEnd++;
  const remainingUsers = messages.slice(turnEnd).filter((m) => m.role === 'user').length;
  if (remainingUsers === 0) return null;
  return [...messages.slice(0, turnStart), ...messages.slice(turnEnd)];
}
