/**
 * `hymba parity <fixture-dir>`: float32 parity against an official-code reference fixture (see
 * engine/parity/README.md). Exit code 0 only when every check passes.
 */
import { runParity, PARITY_TOLERANCE } from '../../engine/parity/parity.ts';
import { parseCliArgs } from '../args.ts';
import type { CliCommand } from '../cli-command.ts';

const USAGE = `Usage: hymba parity <fixture-dir>

Converts the fixture's checkpoint to an fp32 package and compares, for every case, the no-cache prompt forward,
the no-cache forward over the extended sequence and the cached greedy decode with the official logits.
Fails when any |Δlogit| > ${PARITY_TOLERANCE} or any greedy token differs.`;

async function run(args: string[]): Promise<number> {
  const parsed = parseCliArgs(args, {});
  if (!parsed.ok || parsed.parsed.positionals.length !== 1) {
    console.error(`hymba parity: ${parsed.ok ? 'expected one <fixture-dir>' : parsed.message}\n\n${USAGE}`);
    return 2;
  }
  const dir = parsed.parsed.positionals[0]!;
  console.log(`fixture: ${dir}`);
  const result = await runParity(dir, (line) => console.log(line));
  if (!result.ok) {
    console.error(`hymba parity: ${result.error.code}: ${result.error.message}`);
    console.log('parity: FAIL max_abs=NaN');
    return 1;
  }
  const report = result.value;
  console.log(`parity: ${report.pass ? 'PASS' : 'FAIL'} max_abs=${report.maxAbs.toExponential(3)}`);
  return report.pass ? 0 : 1;
}

export const command: CliCommand = { summary: 'check float32 parity against an official reference fixture', usage: USAGE, run };
