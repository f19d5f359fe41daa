/**
 * Finished benchmark phases, kept in the work folder so a run that was stopped (a device time limit, a
 * crash in a later phase) can resume without measuring the finished phases again. A phase result is
 * reused only for the same phase source and the same input, byte for byte.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { writeFileAtomic } from '../../src-main/services/conversations/atomic-file.ts';

export interface PhaseStore {
  /** The stored result of this phase for this input, or runs it and stores what it returns. */
  run<I, O>(entry: string, input: I, measure: () => Promise<O>, log: (line: string) => void): Promise<O>;
}

async function phaseKey(entry: string, input: unknown): Promise<string> {
  return createHash('sha256').update(await readFile(entry)).update('\0').update(JSON.stringify(input)).digest('hex').slice(0, 24);
}

/** `reuse` false: every phase is measured (results are still stored for a later resume). */
export function phaseStore(dir: string, reuse: boolean): PhaseStore {
  return {
    async run(entry, input, measure, log) {
      const file = join(dir, `${basename(entry).replace(/\.ts$/, '')}-${await phaseKey(entry, input)}.json`);
      if (reuse) {
        const stored = await readFile(file, 'utf8').catch(() => null);
        if (stored !== null) {
          log(`reusing ${basename(file)} (finished earlier with the same input)`);
          return JSON.parse(stored);
        }
      }
      const result = await measure();
      await mkdir(dir, { recursive: true });
      await writeFileAtomic(file, JSON.stringify(result));
      return result;
    },
  };
}
