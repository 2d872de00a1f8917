#!/usr/bin/env node
// `cairn`: the command-line entry point. Commands are modules in ./commands/, found by name.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type CliIo, type Command, CliError } from './command.ts';

const commandsDir = join(import.meta.dirname, 'commands');

async function loadCommands(): Promise<Command[]> {
  const files = readdirSync(commandsDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  const out: Command[] = [];
  for (const f of files.sort()) {
    const mod = (await import(pathToFileURL(join(commandsDir, f)).href)) as { command?: Command };
    if (mod.command) out.push(mod.command);
  }
  return out;
}

function usage(commands: Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  return [
    'cairn — self-hosted, zero-trust MPC custody. Nothing is ever signed blind.',
    '',
    'usage: cairn <command> [options]     (every command has --help; most have --json)',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
  ].join('\n');
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const commands = await loadCommands();
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage(commands));
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(`error[USAGE]: unknown command '${name}'\n\n${usage(commands)}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${command.help.trimEnd()}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr(`error[${error.code}]: ${error.message}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown })?.code;
    io.stderr(`error${typeof code === 'string' ? `[${code}]` : ''}: ${message}\n`);
    if (io.env.CAIRN_DEBUG && error instanceof Error) io.stderr(`${error.stack}\n`);
    return 1;
  }
}

if (process.argv[1] && existsSync(process.argv[1]) && import.meta.filename === process.argv[1]) {
  const io: CliIo = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
  };
  process.exitCode = await main(process.argv.slice(2), io);
}
