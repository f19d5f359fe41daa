/**
 * A ModelConverter that runs the conversion in a fresh, short-lived engine process (the same entry and
 * launcher as the main engine: a forked tsx child under Node, a utilityProcess under Electron), so
 * quantising a checkpoint never blocks the host's event loop and the main engine keeps serving chat.
 *
 * One process per import: wait for `ready`, send `convert`, forward `convertProgress`, answer an abort with a
 * protocol `cancel` (the engine removes its partial output before it answers), then stop the process.
 */
import { readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { appError, err, ok, type Result } from '../../contract/errors.ts';
import type { EngineChannel, EngineChannelFactory, EngineMessage } from '../engine/engine-channel.ts';
import { describeConvertProgress } from './engine-converter.ts';
import type { ConvertOptions, ModelConverter } from './import-model.ts';

const CONVERT_ID = 'convert';
const CANCEL_ID = 'cancel-convert';

export interface ProcessConverterOptions {
  /** How long a cancelled conversion may take to clean up before its process is killed (default 30 s). */
  readonly cancelGraceMs?: number;
}

/**
 * Removes what a killed converter may have left beside the output folder: convert.ts writes into
 * `.<name>.partial-*` next to it and renames only when complete.
 */
async function removePartialOutput(outputDir: string): Promise<void> {
  const parent = dirname(outputDir);
  const prefix = `.${basename(outputDir)}.partial-`;
  const names = await readdir(parent).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => n.startsWith(prefix)).map((n) => rm(join(parent, n), { recursive: true, force: true })));
}

/** Runs one conversion in the process behind `channel`; settles after the process has exited. */
function convertInProcess(channel: EngineChannel, options: ConvertOptions, cancelGraceMs: number): Promise<Result<void>> {
  return new Promise((resolve) => {
    let outcome: Result<void> | null = null;
    let started = false;
    let graceTimer: NodeJS.Timeout | undefined;
    const conclude = (result: Result<void>): void => {
      if (outcome) return;
      outcome = result;
      channel.kill();
    };
    const onAbort = (): void => {
      if (!started) return conclude(err(appError('CANCELLED', 'Import cancelled')));
      channel.send({ id: CANCEL_ID, type: 'cancel', targetId: CONVERT_ID });
      graceTimer = setTimeout(() => conclude(err(appError('CANCELLED', 'Import cancelled'))), cancelGraceMs);
    };
    channel.onMessage((message: EngineMessage) => {
      if (message.type === 'ready') {
        if (options.signal.aborted) return;
        started = true;
        const settings = { id: options.id, displayName: options.displayName, ...(options.weightFormat ? { dtype: options.weightFormat } : {}) };
        channel.send({ id: CONVERT_ID, type: 'convert', hfDir: options.sourceDir, outDir: options.outputDir, options: settings });
        return;
      }
      if (message.id !== CONVERT_ID) return;
      if (message.type === 'convertProgress') {
        const { fraction, message: line } = describeConvertProgress(message.progress);
        options.onProgress(fraction, line);
      } else if (message.type === 'result') conclude(ok(undefined));
      else if (message.type === 'error') conclude(err(message.error));
    });
    channel.onExit((code) => {
      clearTimeout(graceTimer);
      options.signal.removeEventListener('abort', onAbort);
      const result = outcome ?? err(appError('ENGINE_CRASHED', `The conversion process exited before it finished (code ${code})`));
      void removePartialOutput(options.outputDir).then(() => resolve(result));
    });
    options.signal.addEventListener('abort', onAbort, { once: true });
    if (options.signal.aborted) onAbort();
  });
}

/** The converter hosts use: each import gets its own engine process from `channels`. */
export function processConverter(channels: EngineChannelFactory, converterOptions: ProcessConverterOptions = {}): ModelConverter {
  const cancelGraceMs = converterOptions.cancelGraceMs ?? 30_000;
  return {
    convert: async (options) => {
      if (options.signal.aborted) return err(appError('CANCELLED', 'Import cancelled'));
      return convertInProcess(channels(), options, cancelGraceMs);
    },
  };
}
