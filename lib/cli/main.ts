import { parseArgs, formatHelp } from './args';
import type { Command } from './command';
import { UserError } from '../errors';
import { EXIT } from './exit-codes';
import { isAbort } from './signals';

/** Subcommands, in the order `otbook --help` lists them. Each is loaded only when used. */
export const COMMANDS = ['train', 'run', 'campaign', 'report', 'map', 'eval', 'w2', 'book', 'merge', 'info'] as const;

function loadCommand(name: string): Command | null {
  if (!(COMMANDS as readonly string[]).includes(name)) return null;
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return (require(`./commands/${name}`) as { command: Command }).command;
}

function topHelp(): string {
  const rows = COMMANDS.map((n) => {
    let summary: string;
    try {
      summary = loadCommand(n)?.summary ?? '';
    } catch {
      summary = '(not available in this build)';
    }
    return `  ${n.padEnd(8)} ${summary}`;
  });
  return `otbook: neural optimal transport (OTM, OTM-s, OTP, NOT, DIOTM) and exact discrete OT\n\nusage: otbook <command> [flags]   (otbook <command> --help for its flags; --debug shows stack traces)\n\n${rows.join('\n')}\n`;
}

/** A message as one printable line: its first line, control characters (a NUL byte included) shown as escapes. */
export function oneLine(message: string): string {
  const first = message.split(/\r?\n/)[0];
  // eslint-disable-next-line no-control-regex
  return first.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Entry point of the `otbook` program. Returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const debug = argv.includes('--debug');
  const rest = argv.filter((a) => a !== '--debug');
  const [name, ...tail] = rest;
  try {
    if (!name || name === '--help' || name === '-h' || name === 'help') {
      process.stdout.write(topHelp());
      return name ? EXIT.ok : EXIT.usage;
    }
    const cmd = loadCommand(name);
    if (!cmd) throw new UserError(`unknown command '${name}'; commands: ${COMMANDS.join(', ')}`);
    if (tail.includes('--help') || tail.includes('-h')) {
      process.stdout.write(formatHelp(cmd.name, cmd.summary, cmd.usage, cmd.flags));
      return EXIT.ok;
    }
    return await cmd.run(parseArgs(tail, cmd.flags, cmd.name));
  } catch (e) {
    if (isAbort(e)) {
      process.stderr.write('otbook: interrupted; nothing more was written\n');
      return EXIT.interrupted;
    }
    if (e instanceof UserError) {
      process.stderr.write(`otbook: error: ${oneLine(e.message)}\n`);
      if (debug && e.stack) process.stderr.write(`${e.stack}\n`);
      return EXIT.usage;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    process.stderr.write(`otbook: internal error: ${oneLine(err.message)}\n`);
    process.stderr.write(debug ? `${err.stack}\n` : '(run again with --debug for the stack trace)\n');
    return EXIT.internal;
  }
}
