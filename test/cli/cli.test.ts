import { describe, expect, it } from 'vitest';
import { COMMANDS, runCli, topLevelUsage } from '../../src/main/cli/cli';
import type { CliIO } from '../../src/main/cli/io';

/** Runs the dispatcher in-process, capturing what it would print. */
async function capture(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: async (line) => void out.push(line), err: (line) => void err.push(line) };
  const code = await runCli(argv, io, '1.2.3');
  return { code, out, err };
}

describe('biascope dispatcher', () => {
  it('lists the commands on --help, on stdout, exit 0', async () => {
    const run = await capture(['--help']);
    expect(run).toMatchObject({ code: 0, err: [] });
    expect(run.out.join('\n')).toBe(topLevelUsage());
    expect(run.out.join('\n')).toMatch(/^ {2}explain {2}predictions and attribution maps/m);
  });

  it('prints the usage on stderr and exits 2 with no command', async () => {
    const run = await capture([]);
    expect(run).toMatchObject({ code: 2, out: [] });
    expect(run.err.join('\n')).toMatch(/^Usage: biascope <command>/);
  });

  it('rejects an unknown command or option, exit 2, naming the commands', async () => {
    const command = await capture(['audti', '--json']);
    expect(command).toMatchObject({ code: 2, out: [] });
    expect(command.err).toEqual(['biascope: unknown command "audti"; commands are: audit, explain, export, layers, serve, worker', 'Run "biascope --help" for usage.']);
    const option = await capture(['--verbose']);
    expect(option.code).toBe(2);
    expect(option.err[0]).toBe('biascope: unknown option --verbose');
  });

  it('shows a command help and the version', async () => {
    const help = await capture(['explain', '--help']);
    expect(help.code).toBe(0);
    expect(help.out[0]).toMatch(/^Usage: biascope explain <image>\.\.\. --model <model\.onnx\|model\.json>/);
    expect(await capture(['--version'])).toMatchObject({ code: 0, out: ['1.2.3'] });
  });

  it('reports a usage error of a command with a pointer to its help', async () => {
    const run = await capture(['explain', 'a.png', '--model', 'm.json', '--batch', 'lots']);
    expect(run).toMatchObject({ code: 2, out: [] });
    expect(run.err).toEqual(['biascope explain: --batch must be a whole number, got "lots"', 'Run "biascope explain --help" for usage.']);
  });

  it('lists each command as its module describes it, and shows the same help', async () => {
    for (const entry of COMMANDS) {
      const command = await entry.load();
      expect({ name: command.name, summary: command.summary }).toEqual({ name: entry.name, summary: entry.summary });
      expect(await entry.usage()).toBe(command.usage);
      const help = await capture([entry.name, '--help']);
      expect(help).toMatchObject({ code: 0, out: [command.usage], err: [] });
    }
  });
});
