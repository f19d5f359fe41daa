/**
 * `hymba chat`: an interactive terminal chat with a model package, streamed from the engine process.
 * Commands: /reset (forget the conversation), /stats (last request's metrics and the engine's cache and
 * memory), /exit. Ctrl-C cancels a reply in progress; at the prompt it exits. Base packages have no chat
 * template: each line is completed on its own.
 */
import { createInterface } from 'node:readline';
import type { ChatMessage, GenerationMetrics } from '../../contract/domain.ts';
import { startLocalEngine } from '../../engine/process/local-engine.ts';
import type { EngineStatus } from '../../engine/process/protocol.ts';
import { parseCliArgs } from '../args.ts';
import type { CliCommand } from '../cli-command.ts';
import { RUN_FLAGS, settingsFromFlags } from './generate.ts';
import { DEFAULT_MODEL_DIR } from '../default-model.ts';

const USAGE = `Usage: hymba chat [--model <package>] [--system S] [--device D] [--budget-mb N] [--threads N]
                  [--max-tokens N] [--temperature T] [--seed N] [--top-k N] [--top-p P] [--min-p P]

In the chat: /reset clears the conversation, /stats shows metrics and cache use, /exit quits.
Ctrl-C stops a reply; at the prompt it quits.`;

const FLAGS = RUN_FLAGS;

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(2)} MB`;

function formatStats(metrics: GenerationMetrics | null, status: EngineStatus | null): string {
  const lines: string[] = [];
  if (metrics) {
    lines.push(
      `last reply: ${metrics.promptTokens} prompt tokens (${metrics.reusedTokens} reused from a snapshot), ${metrics.generatedTokens} generated`,
      `  TTFT ${metrics.ttftMs.toFixed(0)} ms, prefill ${metrics.prefillTokensPerSec.toFixed(1)} tok/s, decode ${metrics.decodeTokensPerSec.toFixed(1)} tok/s`,
      `  context ${metrics.contextTokens} / ${metrics.maxContextTokens} positions (meta included)`,
    );
  }
  if (status) {
    const c = status.cache;
    lines.push(
      `cache ${mb(c.total)}: global KV ${mb(c.globalKv)}, sliding KV ${mb(c.slidingKv)}, SSM ${mb(c.ssm)}, conv ${mb(c.conv)} (meta ${mb(c.meta)})`,
      `budget ${mb(status.settings.cacheBudgetBytes)}, engine RSS ${(status.rssBytes / 2 ** 20).toFixed(0)} MiB, device ${status.model?.device ?? '-'}`,
    );
  }
  return lines.length > 0 ? lines.join('\n') : 'no statistics yet';
}

async function run(args: string[]): Promise<number> {
  const parsed = parseCliArgs(args, FLAGS);
  if (!parsed.ok) return usageError(parsed.message);
  const v = parsed.parsed.values;
  const modelDir = typeof v.model === 'string' ? v.model : DEFAULT_MODEL_DIR;
  const options = settingsFromFlags(v);
  if (typeof options === 'string') return usageError(options);
  const started = await startLocalEngine(modelDir, { device: options.device, threads: options.threads, cacheBudgetBytes: options.budgetBytes });
  if (!started.ok) {
    console.error(`hymba chat: ${started.error.code}: ${started.error.message}`);
    return 1;
  }
  const { client, model } = started.value;
  const system: ChatMessage[] = typeof v.system === 'string' ? [{ role: 'system', content: v.system }] : [];
  let history: ChatMessage[] = [...system];
  let lastMetrics: GenerationMetrics | null = null;
  let cancelReply: (() => void) | null = null;
  const sessionKey = `cli-${process.pid}`;
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY === true });
  rl.on('SIGINT', () => {
    if (cancelReply) cancelReply();
    else rl.close();
  });
  console.error(`${model.displayName} (${model.kind}, ${model.weightFormat}) on ${model.device}${model.fallbackReason ? ` — ${model.fallbackReason}` : ''}`);
  console.error('Type /stats, /reset or /exit.');
  const lines = rl[Symbol.asyncIterator](); // buffers lines typed (or piped) while a reply streams
  try {
    for (;;) {
      process.stdout.write('> ');
      const next = await lines.next();
      if (next.done) break;
      const line = next.value.trim();
      if (line === '/exit' || line === '/quit') break;
      if (line === '') continue;
      if (line === '/reset') {
        history = [...system];
        console.log('(conversation cleared)');
        continue;
      }
      if (line === '/stats') {
        const status = await client.status();
        console.log(formatStats(lastMetrics, status.ok ? status.value : null));
        continue;
      }
      const chat = model.kind === 'instruct';
      const messages: ChatMessage[] = [...history, { role: 'user', content: line }];
      const handle = client.generate(
        chat ? { mode: 'chat', messages } : { mode: 'completion', prompt: line },
        options.sampling,
        (event) => {
          if (event.type === 'token') process.stdout.write(event.text);
          if (event.type === 'contextDrop') console.error(`\n(${event.drop.reason})`);
        },
        sessionKey,
      );
      cancelReply = handle.cancel;
      const result = await handle.result;
      cancelReply = null;
      process.stdout.write('\n');
      if (!result.ok) {
        console.error(`error: ${result.error.code}: ${result.error.message}`);
        if (result.error.code === 'ENGINE_CRASHED') {
          const restarted = await client.restart();
          console.error(restarted.ok ? '(engine restarted, model reloaded)' : `restart failed: ${restarted.error.message}`);
        }
        continue;
      }
      lastMetrics = result.value.metrics;
      if (result.value.finishReason === 'cancelled') console.error('(stopped)');
      if (chat) history = [...messages, { role: 'assistant', content: result.value.text }];
    }
  } finally {
    rl.close();
    await client.stop();
  }
  return 0;
}

function usageError(message: string): number {
  console.error(`hymba chat: ${message}\n\n${USAGE}`);
  return 2;
}

export const command: CliCommand = { summary: 'interactive streaming chat with a model package (/reset, /stats)', usage: USAGE, run };
