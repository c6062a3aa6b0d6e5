/** A subcommand of `biascope`: explain now; audit and serve plug in the same way. */
import type { CliIO } from './io';

export interface Command {
  name: string;
  /** One line for the command list of `biascope --help`. */
  summary: string;
  /** The full text of `biascope <name> --help`. */
  usage: string;
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(argv: readonly string[], io: CliIO): Promise<number>;
}
