// `cairn dev`: what `npm start` runs. Starts the embedded default on this machine (local chain
// with a demo ERC-20, three signer-node processes, the coordinator), prints where everything is
// and what to do next, and stays up until Ctrl-C, then shuts every child down.
import type { DevCluster } from '@cairn/coordinator';
import { CliError, type Command, parseOptions } from '../command.ts';
import { coordinator } from './vault.ts';

export const command: Command = {
  name: 'dev',
  summary: 'start the embedded default on this machine (what `npm start` runs)',
  help: `usage: cairn dev [--port N] [--dir DIR] [--no-policy] [--json]

Starts Cairn's embedded default, everything bound to 127.0.0.1:
  • a local EVM chain (anvil) with pre-funded dev accounts and a demo ERC-20 token,
  • 3 signer-node processes, each with its own encrypted data directory and passphrase file,
  • the admin-signed committee installed on every node (dev admin keys, quorum 2),
  • the coordinator API (port 8080, or a free port when 8080 is busy),
  • a dev policy signed by the 2 admins (high risk blocked, small transfers allowed, anything
    else needs 2 of the dev approvers approver-1..3), intent simulation before every signature
    (on the coordinator and again on every node), and the coordinator's audit log cosigned by
    every node (docs/coordinator-wiring.md).
Dev keys and data live in .cairn/dev/ (git-ignored); node and coordinator data are reset on
each start, like the local chain. Logs: .cairn/dev/logs/. Stops cleanly on Ctrl-C.

options:
  --port N    coordinator port (default 8080; 0 = any free port)
  --dir DIR   dev directory (default .cairn/dev)
  --no-policy no policy, intent or audit log (requests go straight to the nodes)
  --json      print one JSON line with the URLs once everything is up
`,
  async run(argv, io) {
    const { values } = parseOptions('dev', argv, {
      port: { type: 'string' },
      dir: { type: 'string' },
      json: { type: 'boolean' },
      'no-policy': { type: 'boolean' },
    });
    const port = values.port === undefined ? 8080 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new CliError('USAGE', '--port must be 0..65535');
    const { DevCluster, defaultDevDir } = await coordinator();
    const dir = values.dir ?? defaultDevDir(io.cwd);
    const say = (line: string) => {
      if (!values.json) io.stdout(`${line}\n`);
    };
    say('Cairn dev cluster: starting (Ctrl-C to stop)');
    let cluster: DevCluster;
    try {
      cluster = await DevCluster.start({
        dir,
        coordinatorPort: port,
        progress: say,
        governance: !values['no-policy'],
      });
    } catch (error) {
      throw new CliError('FAILED', `could not start the dev cluster: ${(error as Error).message}`);
    }
    const lastResort = () => cluster.killAllSync();
    process.once('exit', lastResort);
    const s = cluster.state;
    if (values.json) {
      io.stdout(
        `${JSON.stringify({ event: 'ready', apiUrl: s.apiUrl, rpcUrl: s.rpcUrl, chainId: s.chainId, token: s.token, nodes: s.nodes })}\n`,
      );
    } else {
      const recipient = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
      say(
        [
          '',
          `✔ Cairn is up.  API ${s.apiUrl}   (OpenAPI ${s.apiUrl}/openapi.json, metrics ${s.apiUrl}/metrics)`,
          `  chain ${s.chainId} at ${s.rpcUrl}; demo token ${s.token.symbol} at ${s.token.address}`,
          '',
          'Next, in another terminal:',
          '  npm run cairn -- nodes status',
          '  npm run cairn -- vault create --name treasury --threshold 2',
          '  npm run cairn -- vault fund --vault treasury --amount 10',
          '  npm run cairn -- vault fund --vault treasury --amount 1000 --token demo',
          `  npm run cairn -- send --vault treasury --to ${recipient} --amount 0.5`,
          `  npm run cairn -- send --vault treasury --to ${recipient} --amount 25 --token demo`,
          '  npm run cairn -- request show <request id>',
          ...(cluster.governance
            ? [
                '',
                'Policy (docs/coordinator-wiring.md): high risk is blocked, up to 1 ETH / 1000 demo tokens',
                'is allowed, anything else waits for 2 of approver-1..3:',
                `  npm run cairn -- send --vault treasury --to ${recipient} --amount 2`,
                `  npm run cairn -- approve <request id> --key ${cluster.governance.approverKeys[0]}`,
                `  npm run cairn -- approve <request id> --key ${cluster.governance.approverKeys[1]}`,
                '  curl -s $API/v1/audit/export > export.jsonl; curl -s $API/v1/audit/keys > keys.json',
                '  npm run cairn -- audit verify export.jsonl --keys keys.json',
              ]
            : []),
          '',
        ].join('\n'),
      );
    }
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    say('\nstopping: coordinator, signer nodes, local chain …');
    await cluster.stop();
    process.off('exit', lastResort);
    say('stopped.');
    return 0;
  },
};
