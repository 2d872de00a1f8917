// Signer node process entry: `node packages/node/src/main.ts --config FILE`.
// Reads and validates the config, unlocks the data directory with the operator passphrase
// (scrypt, once), serves the HTTP API on 127.0.0.1, logs one JSON object per line on stdout,
// and shuts down cleanly on SIGTERM / SIGINT. Startup failures print a clear error and exit 1
// without touching the data directory.
import { parseArgs } from 'node:util';
import { HttpCarrier, WebSocketCarrier } from '@cairn/transport';
import { loadNodeConfig, readPassphrase } from './config.ts';
import { NodeError } from './errors.ts';
import { createLogger, reasonOf } from './log.ts';
import { startHttpApi } from './http-api.ts';
import { JobRefusedError } from './refusal.ts';
import { SignerNode } from './signer-node.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help || !values.config) {
    process.stdout.write(
      'usage: node packages/node/src/main.ts --config node.json\n' +
        '  Runs one Cairn signer node. The passphrase comes from $CAIRN_NODE_PASSPHRASE\n' +
        '  (or the variable named by passphraseEnv) or from the file named by passphraseFile.\n',
    );
    process.exit(values.help ? 0 : 2);
  }
  const bootLog = createLogger({ nodeId: '?' });
  let config: ReturnType<typeof loadNodeConfig>;
  let passphrase: string;
  try {
    config = loadNodeConfig(values.config);
    passphrase = readPassphrase(config);
    delete process.env[config.passphraseEnv];
  } catch (error) {
    fail(bootLog, error);
    return;
  }
  const log = createLogger({ nodeId: config.nodeId, minLevel: config.logLevel });
  let node: SignerNode;
  try {
    node = await SignerNode.start({
      config,
      passphrase,
      log,
      carrier: (resolve) =>
        config.carrier === 'http'
          ? new HttpCarrier({ resolve, timeoutMs: config.sessionTimeoutMs })
          : new WebSocketCarrier({ resolve, timeoutMs: config.sessionTimeoutMs }),
    });
    node.installCommitteeFile();
  } catch (error) {
    fail(log, error);
    return;
  }
  passphrase = '';
  let http: Awaited<ReturnType<typeof startHttpApi>>;
  try {
    http = await startHttpApi({ node, host: config.host, port: config.port, log });
  } catch (error) {
    await node.close();
    fail(log, error);
    return;
  }
  log.info('listening', { url: http.url, partyId: config.partyId });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting_down', { signal });
    await node.close(`stopped by ${signal}`);
    await http.close();
    log.info('stopped', {});
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

function fail(log: ReturnType<typeof createLogger>, error: unknown): void {
  const code = error instanceof NodeError || error instanceof JobRefusedError ? error.code : 'STARTUP_FAILED';
  log.error('startup_failed', { code, message: reasonOf(error) });
  process.stderr.write(`cairn node: ${code}: ${reasonOf(error)}\n`);
  process.exit(1);
}

process.on('unhandledRejection', (error) => {
  process.stdout.write(
    `${JSON.stringify({ ts: new Date().toISOString(), level: 'error', event: 'unhandled_rejection', reason: reasonOf(error) })}\n`,
  );
});
process.on('uncaughtException', (error) => {
  process.stdout.write(
    `${JSON.stringify({ ts: new Date().toISOString(), level: 'error', event: 'uncaught_exception', reason: reasonOf(error) })}\n`,
  );
});

await main();
