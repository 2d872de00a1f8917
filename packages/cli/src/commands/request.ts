// `cairn request show ID`: a request's state, history, signature and transaction.
import { CliError, type Command, parseOptions } from '../command.ts';
import { coordinator, operation, operatorContextOf, operatorOptions } from './vault.ts';

export const command: Command = {
  name: 'request',
  summary: 'show a sign request: state, history, signers, transaction hash, receipt',
  help: `usage: cairn request show ID [--json] [--api URL]

Shows a request as the coordinator recorded it: its state (received, signing, signed,
broadcast, confirmed, rejected, failed), every state change with its time and detail, the
signer parties, the transaction hash and the receipt status.

options:
  --api URL      coordinator URL (default: the running dev cluster, else http://127.0.0.1:8080)
  --dev-dir DIR  dev cluster directory (default .cairn/dev)
  --json         print JSON
`,
  async run(argv, io) {
    const { values, positionals } = parseOptions('request', argv, operatorOptions, true);
    const [sub, id] = positionals;
    if (sub !== 'show' || !id || positionals.length > 2)
      throw new CliError('USAGE', 'usage: cairn request show ID');
    const ctx = await operatorContextOf(io, values);
    const { rethrow } = await coordinator();
    const r = await operation(() => ctx.api.request(id).catch(rethrow));
    if (values.json) {
      io.stdout(`${JSON.stringify(r)}\n`);
      return 0;
    }
    const receipt = r.receipt as { status?: string; blockNumber?: string } | null;
    io.stdout(
      [
        `request   ${r.requestId}`,
        `vault     ${r.vaultId}   kind ${r.kind}   chain ${r.chainId}`,
        `state     ${r.state}${r.error ? `  (${r.error.code}: ${r.error.message})` : ''}`,
        `signers   ${r.signers?.join(', ') ?? '-'}   attempts ${r.attempts}`,
        `tx        ${r.txHash ?? '-'}${receipt ? `   receipt ${receipt.status} in block ${receipt.blockNumber}` : ''}`,
        'history:',
        ...r.events.map((e) => `  ${e.at}  ${e.state.padEnd(9)} ${e.detail ?? ''}`),
        '',
      ].join('\n'),
    );
    return 0;
  },
};
