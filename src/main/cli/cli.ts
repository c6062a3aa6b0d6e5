/** Dispatches `biascope <command> ...` and turns failures into messages and exit codes. */
import type { CommandEntry } from './command';
import { COMMANDS } from './commands';
import { describeFailure, EXIT_OK, EXIT_USAGE, UsageError } from './errors';
import type { CliIO } from './io';

export { COMMANDS };

type Listed = Pick<CommandEntry, 'name' | 'summary'>;

export function topLevelUsage(commands: readonly Listed[] = COMMANDS): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: biascope <command> [options]',
    '',
    'Audits image datasets for bias by explaining a model with Grad-CAM and its family.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "biascope <command> --help" for the options of a command.',
  ].join('\n');
}

function findCommand(name: string): CommandEntry {
  const command = COMMANDS.find((c) => c.name === name);
  if (command) return command;
  if (name.startsWith('-')) throw new UsageError(`unknown option ${name}`);
  throw new UsageError(`unknown command "${name}"; commands are: ${COMMANDS.map((c) => c.name).join(', ')}`);
}

export async function runCli(argv: readonly string[], io: CliIO, version = ''): Promise<number> {
  const [first, ...rest] = argv;
  let commandName: string | undefined;
  try {
    if (first === undefined) {
      io.err(topLevelUsage());
      return EXIT_USAGE;
    }
    if (first === '--help' || first === '-h' || first === 'help') {
      await io.out(topLevelUsage());
      return EXIT_OK;
    }
    if (first === '--version' || first === '-v') {
      await io.out(version);
      return EXIT_OK;
    }
    const entry = findCommand(first);
    commandName = entry.name;
    // `biascope <command> --help` alone is answered from the help text, without loading
    // the command; with other arguments the command parses them and answers itself.
    if (rest.length === 1 && (rest[0] === '--help' || rest[0] === '-h')) {
      await io.out(await entry.usage());
      return EXIT_OK;
    }
    const command = await entry.load();
    return await command.run(rest, io);
  } catch (error) {
    const failure = describeFailure(error);
    const prefix = commandName ? `biascope ${commandName}` : 'biascope';
    io.err(`${prefix}: ${failure.message}`);
    if (failure.usage) io.err(`Run "${prefix} --help" for usage.`);
    return failure.exitCode;
  }
}
