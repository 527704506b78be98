import type { FlagSpecs, ParsedArgs } from './args';

/** One `otbook <name>` subcommand. Each lives in lib/cli/commands/<name>.ts and exports `command`. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly flags: FlagSpecs;
  /** Returns the process exit code. Throws UserError for bad input. */
  run(args: ParsedArgs): Promise<number>;
}
