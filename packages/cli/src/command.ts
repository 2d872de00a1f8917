// The shape of a `cairn` command. Each command lives in its own module under commands/ and is
// discovered by name, so adding a command never touches another command's file.
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface Command {
  /** The first word after `cairn`. */
  name: string;
  /** One line for `cairn --help`. */
  summary: string;
  /** Full help text for `cairn <name> --help`: synopsis, options, examples. */
  help: string;
  /** Runs the command; returns the process exit code. Throw CliError for user-facing failures. */
  run(argv: string[], io: CliIo): Promise<number>;
}

export type CliErrorCode = 'USAGE' | 'INVALID_INPUT' | 'NOT_FOUND' | 'UNAVAILABLE' | 'REFUSED' | 'FAILED';

/** A failure the user can act on: printed as `error[CODE]: message` without a stack trace. */
export class CliError extends Error {
  readonly code: CliErrorCode;
  readonly exitCode: number;
  constructor(code: CliErrorCode, message: string, options?: ErrorOptions & { exitCode?: number }) {
    super(message, options);
    this.name = 'CliError';
    this.code = code;
    this.exitCode = options?.exitCode ?? (code === 'USAGE' ? 2 : 1);
  }
}

/** parseArgs with strict checking, turning its errors into a USAGE CliError that points at --help. */
export function parseOptions<T extends ParseArgsOptionsConfig>(
  command: string,
  argv: string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CliError('USAGE', `${message}\nrun 'cairn ${command} --help' for usage`);
  }
}
