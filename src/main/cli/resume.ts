/** The command line that runs an interrupted command again, for the user to paste. */

/**
 * Characters a POSIX shell leaves alone in an argument. `=` is among them because no
 * argument here comes before the command name, where it would make an assignment.
 */
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * One argument as a POSIX shell word. Plain words stay bare so the command reads as
 * typed; anything else goes in single quotes, where nothing is special but the quote
 * itself, which closes, is escaped, and reopens: it's -> 'it'\''s'.
 */
export function shellQuote(arg: string): string {
  if (PLAIN.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/**
 * `biascope <command> <argv...>` quoted for a POSIX shell. `argv` is what the command
 * received (the arguments after its name): the same arguments resume an audit, whose
 * cache keeps the finished images.
 */
export function resumeCommand(argv: readonly string[], command = 'audit'): string {
  return ['biascope', command, ...argv].map(shellQuote).join(' ');
}
