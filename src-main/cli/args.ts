/**
 * Minimal typed flag parser for the CLI: `--name value`, `--name=value` and boolean `--flag`.
 * Unknown flags are an error, so a typo never silently changes behaviour.
 */
import { parseArgs } from 'node:util';

export type FlagSpec = Record<string, { type: 'string' | 'boolean'; short?: string; default?: string | boolean; multiple?: boolean }>;

export interface ParsedArgs {
  readonly values: Record<string, string | boolean | string[] | undefined>;
  readonly positionals: string[];
}

export function parseCliArgs(args: string[], flags: FlagSpec): { ok: true; parsed: ParsedArgs } | { ok: false; message: string } {
  try {
    const { values, positionals } = parseArgs({ args, options: flags, allowPositionals: true, strict: true });
    return { ok: true, parsed: { values: values as ParsedArgs['values'], positionals } };
  } catch (caught) {
    return { ok: false, message: caught instanceof Error ? caught.message : String(caught) };
  }
}

/** Reads an integer flag; returns an error message for a value that is not a whole number in range. */
export function intFlag(value: unknown, name: string, min = 0): number | string | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) return `--${name} must be an integer >= ${min}, got "${String(value)}"`;
  return n;
}
