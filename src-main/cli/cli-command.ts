/** One verb of the `hymba` command. `run` returns the process exit code; it prints its own errors. */
export interface CliCommand {
  readonly summary: string;
  readonly usage: string;
  run(args: string[]): Promise<number>;
}
