// Structured logs: one JSON object per line ({ts, level, event, ...fields}). Refusals are logged
// at `warn` with their code so they can be audited and alerted on. Never log secrets.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: LogLevel, event: string, fields?: Record<string, unknown>): void;
}

/** Writes JSON lines to `write` (stdout by default). */
export function jsonLogger(write: (line: string) => void = (l) => process.stdout.write(l)): Logger {
  return {
    log(level, event, fields = {}) {
      write(`${JSON.stringify({ ts: new Date().toISOString(), level, event, ...fields })}\n`);
    },
  };
}

/** A logger that keeps lines in memory (tests). */
export function memoryLogger(): Logger & {
  lines: { level: LogLevel; event: string; [k: string]: unknown }[];
} {
  const lines: { level: LogLevel; event: string; [k: string]: unknown }[] = [];
  return {
    lines,
    log(level, event, fields = {}) {
      lines.push({ level, event, ...fields });
    },
  };
}
