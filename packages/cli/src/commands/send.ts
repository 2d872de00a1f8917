// `cairn send`: an initiator-signed transfer request, followed to its final state.
import { CliError, type Command, parseOptions } from '../command.ts';
import { coordinator, operation, operatorContextOf } from './vault.ts';

export const command: Command = {
  name: 'send',
  summary: 'send ether or ERC-20 tokens from a vault (signed request, threshold-signed, broadcast)',
  help: `usage: cairn send --vault N --to ADDR --amount X [--token ADDR] [options]

Builds an EIP-1559 transfer (the coordinator fills nonce, fees and gas; the CLI checks the
prepared transaction is exactly the transfer asked for), signs the request with the initiator
key, submits it, and follows it: received → signing → signed → broadcast → confirmed (or
rejected / failed, with the reason). Exit code 0 only when confirmed.

options:
  --vault N          vault name or id
  --to ADDR          recipient address
  --amount X         decimal amount in ether, or in tokens when --token is given (e.g. 1.5)
  --token ADDR       ERC-20 token contract ('demo' = the dev cluster's demo token)
  --no-wait          return after the request is accepted
  --ttl SECONDS      request lifetime (default 300)
  --idempotency-key K  reuse to make retries of the same send safe
  --api URL          coordinator URL (default: the running dev cluster, else http://127.0.0.1:8080)
  --key FILE         initiator key file (default: the dev initiator key)
  --dev-dir DIR      dev cluster directory (default .cairn/dev)
  --json             print the final request as JSON

examples:
  cairn send --vault treasury --to 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --amount 0.5
  cairn send --vault treasury --to 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --amount 25 --token demo
`,
  async run(argv, io) {
    const { values } = parseOptions('send', argv, {
      vault: { type: 'string' },
      to: { type: 'string' },
      amount: { type: 'string' },
      token: { type: 'string' },
      'no-wait': { type: 'boolean' },
      ttl: { type: 'string' },
      'idempotency-key': { type: 'string' },
      api: { type: 'string' },
      key: { type: 'string' },
      'dev-dir': { type: 'string' },
      json: { type: 'boolean' },
    });
    if (!values.vault || !values.to || !values.amount)
      throw new CliError('USAGE', 'send needs --vault N --to ADDR --amount X');
    if (!/^0x[0-9a-fA-F]{40}$/.test(values.to))
      throw new CliError('INVALID_INPUT', `--to must be a 0x-prefixed 20-byte address, got '${values.to}'`);
    if (!/^(0|[1-9]\d*)(\.\d+)?$/.test(values.amount) || /^0(\.0+)?$/.test(values.amount))
      throw new CliError(
        'INVALID_INPUT',
        `--amount must be a positive decimal number (e.g. 1.5), got '${values.amount}'`,
      );
    if (values.token !== undefined && values.token !== 'demo' && !/^0x[0-9a-fA-F]{40}$/.test(values.token))
      throw new CliError(
        'INVALID_INPUT',
        `--token must be an ERC-20 contract address or 'demo', got '${values.token}'`,
      );
    const ttl = values.ttl === undefined ? undefined : Number(values.ttl);
    if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 10))
      throw new CliError('USAGE', '--ttl must be an integer >= 10');
    const ctx = await operatorContextOf(io, values);
    const { sendTransferOperation } = await coordinator();
    const token = values.token === 'demo' ? ctx.dev?.token.address : values.token;
    if (values.token === 'demo' && !token)
      throw new CliError('NOT_FOUND', "--token demo needs a running dev cluster ('cairn dev')");
    const result = await operation(() =>
      sendTransferOperation(ctx, {
        vault: values.vault!,
        to: values.to!,
        amount: values.amount!,
        token,
        wait: !values['no-wait'],
        ttlSeconds: ttl,
        idempotencyKey: values['idempotency-key'],
        onProgress: values.json ? undefined : (l) => io.stdout(`${l}\n`),
      }),
    );
    if (values.json) io.stdout(`${JSON.stringify(result)}\n`);
    else if (result.txHash) io.stdout(`transaction ${result.txHash}\n`);
    if (values['no-wait']) return 0;
    if (result.state === 'confirmed') return 0;
    if (!values.json)
      io.stderr(
        `error[${result.error?.code ?? result.state.toUpperCase()}]: request ${result.state}: ${result.error?.message ?? ''}\n`,
      );
    return 1;
  },
};
