// Structured logs: one JSON object per line on stdout ({ts, level, event, node, ...fields}).
// Callers pass only public fields; share material and passphrases never reach a log call.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: LogLevel, event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

export function createLogger(params: {
  nodeId: string;
  write?: (line: string) => void;
  minLevel?: LogLevel;
}): Logger {
  const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
  const min = order[params.minLevel ?? 'info'];
  const write = params.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const log = (level: LogLevel, event: string, fields: Record<string, unknown> = {}) => {
    if (order[level] < min) return;
    write(
      JSON.stringify(
        { ts: new Date().toISOString(), level, event, node: params.nodeId, ...fields },
        (_k, v) => (typeof v === 'bigint' ? v.toString() : v),
      ),
    );
  };
  return {
    log,
    info: (e, f) => log('info', e, f),
    warn: (e, f) => log('warn', e, f),
    error: (e, f) => log('error', e, f),
  };
}

/** A message safe to log for an unknown thrown value (first line only; no stack, no cause chain). */
export function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.slice(0, 500);
}
