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

/**
 * A command as the dispatcher knows it before it runs: its name and summary, its help
 * from a module of text alone, and its implementation behind a dynamic import. A
 * command's module pulls in what it works with (tfjs, ONNX Runtime, sharp, SQLite), which
 * takes seconds to load: `biascope --help` or `biascope export` must not pay for all of them.
 */
export interface CommandEntry {
  name: string;
  /** One line for the command list of `biascope --help`. */
  summary: string;
  /** The text of `biascope <name> --help`. */
  usage(): Promise<string>;
  /** The implementation, loaded when the command runs. */
  load(): Promise<Command>;
}
