#!/usr/bin/env node
// The coordinator process: `node packages/coordinator/src/main.ts --config FILE`.
// Logs one JSON object per line on stdout; the first `listening` line carries the URL.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { coordinatorConfigSchema } from './config.ts';
import { jsonLogger } from './log.ts';
import { startCoordinator } from './server.ts';

const logger = jsonLogger();
const { values } = parseArgs({ options: { config: { type: 'string' } }, strict: true });
if (!values.config) {
  logger.log('error', 'config.missing', { message: 'usage: coordinator --config FILE' });
  process.exit(2);
}
let raw: unknown;
try {
  raw = JSON.parse(readFileSync(values.config, 'utf8'));
} catch (error) {
  logger.log('error', 'config.unreadable', { file: values.config, message: (error as Error).message });
  process.exit(2);
}
const parsed = coordinatorConfigSchema.safeParse(raw);
if (!parsed.success) {
  logger.log('error', 'config.invalid', {
    file: values.config,
    issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
  });
  process.exit(2);
}
const coordinator = await startCoordinator(parsed.data, { logger });
const shutdown = async (signal: string) => {
  logger.log('info', 'stopping', { signal });
  await coordinator.stop();
  process.exit(0);
};
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
