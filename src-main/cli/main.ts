/**
 * `hymba` command dispatcher. Each verb lives in src-main/cli/commands/<verb>.ts and exports a
 * `command: CliCommand`; adding a verb never edits this file.
 */
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { CliCommand } from './cli-command.ts';

const commandsDir = join(fileURLToPath(new URL('.', import.meta.url)), 'commands');

function verbs(): string[] {
  return readdirSync(commandsDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function load(verb: string): Promise<CliCommand | undefined> {
  const file = join(commandsDir, `${verb}.ts`);
  if (!/^[a-z-]+$/.test(verb) || !existsSync(file)) return undefined;
  const module = (await import(file)) as { command: CliCommand };
  return module.command;
}

async function usage(): Promise<string> {
  const lines = ['Usage: hymba <command> [options]', '', 'Commands:'];
  for (const verb of verbs()) {
    const command = await load(verb);
    if (command) lines.push(`  ${verb.padEnd(10)} ${command.summary}`);
  }
  lines.push('', 'Run `hymba <command> --help` for the options of one command.');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === '--help' || verb === '-h' || verb === 'help') {
    console.log(await usage());
    return verb === undefined ? 1 : 0;
  }
  const command = await load(verb);
  if (!command) {
    console.error(`hymba: unknown command "${verb}"\n\n${await usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  return command.run(rest);
}
