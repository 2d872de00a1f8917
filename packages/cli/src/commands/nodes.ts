// `cairn nodes status`: the signer nodes as the coordinator sees them (probed now).
import { CliError, type Command, parseOptions } from '../command.ts';
import { coordinator, operation, operatorContextOf, operatorOptions } from './vault.ts';

export const command: Command = {
  name: 'nodes',
  summary: 'signer node health: up/down, committee, address',
  help: `usage: cairn nodes status [--json] [--api URL]

Asks the coordinator to probe every signer node now and shows whether each answers, its party
id, URL and the committee version it has accepted. Exit code 1 when a node is down.

options:
  --api URL      coordinator URL (default: the running dev cluster, else http://127.0.0.1:8080)
  --dev-dir DIR  dev cluster directory (default .cairn/dev)
  --json         print JSON
`,
  async run(argv, io) {
    const { values, positionals } = parseOptions('nodes', argv, operatorOptions, true);
    if (positionals.length !== 1 || positionals[0] !== 'status')
      throw new CliError('USAGE', 'usage: cairn nodes status');
    const ctx = await operatorContextOf(io, values);
    const { rethrow } = await coordinator();
    const nodes = await operation(() => ctx.api.nodes().catch(rethrow));
    if (values.json) io.stdout(`${JSON.stringify(nodes)}\n`);
    else {
      for (const n of nodes) {
        const committee = n.committee
          ? `committee ${n.committee.id} v${n.committee.version}`
          : 'no committee';
        io.stdout(
          `${n.up ? '✔' : '✖'} ${n.nodeId.padEnd(10)} party ${String(n.partyId).padEnd(3)} ${n.url.padEnd(24)} ${n.up ? committee : `DOWN: ${n.error ?? ''}`}\n`,
        );
      }
    }
    return nodes.every((n) => n.up) ? 0 : 1;
  },
};
