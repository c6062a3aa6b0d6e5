/** Dispatches `biascope <command> ...` and turns failures into messages and exit codes. */
import type { Command } from './command';
import { describeFailure, EXIT_OK, EXIT_USAGE, UsageError } from './errors';
import { auditCommand } from './audit';
import { explainCommand } from './explain';
import { exportCommand } from './export';
import { layersCommand } from './layers';
import { serveCommand } from './serve';
import type { CliIO } from './io';

export const COMMANDS: readonly Command[] = [auditCommand, explainCommand, exportCommand, layersCommand, serveCommand];

export function topLevelUsage(commands: readonly Command[] = COMMANDS): string {
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

function findCommand(name: string): Command {
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
    const command = findCommand(first);
    commandName = command.name;
    return await command.run(rest, io);
  } catch (error) {
    const failure = describeFailure(error);
    const prefix = commandName ? `biascope ${commandName}` : 'biascope';
    io.err(`${prefix}: ${failure.message}`);
    if (failure.usage) io.err(`Run "${prefix} --help" for usage.`);
    return failure.exitCode;
  }
}
