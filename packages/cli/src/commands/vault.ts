// `cairn vault …`: create a vault (DKG across the nodes), show its address, list, fund (dev).
import type { VaultView } from '@cairn/coordinator';
import { CliError, type CliIo, type Command, parseOptions } from '../command.ts';

/** The coordinator package, loaded only when a command runs (keeps `cairn --help` fast). */
export const coordinator = () => import('@cairn/coordinator');

/** The options of every command that talks to the coordinator. */
export const operatorOptions = {
  api: { type: 'string' },
  'dev-dir': { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** The operator context (coordinator client, dev cluster, keys) from a command's options. */
export async function operatorContextOf(
  io: CliIo,
  values: { api?: string; 'dev-dir'?: string; key?: string; 'admin-key'?: string[] },
) {
  const { operatorContext } = await coordinator();
  return operatorContext({
    cwd: io.cwd,
    env: io.env,
    api: values.api,
    devDir: values['dev-dir'],
    keyFile: values.key,
    adminKeyFiles: values['admin-key'],
  });
}

/** Runs an operation, turning operator errors into CLI errors. */
export async function operation<T>(fn: () => Promise<T>): Promise<T> {
  const { OperatorError } = await coordinator();
  try {
    return await fn();
  } catch (error) {
    if (error instanceof OperatorError) throw new CliError(error.code, error.message);
    throw error;
  }
}

function describe(v: VaultView): string {
  return [
    `vault      ${v.name}`,
    `scheme     ${v.scheme} (${v.threshold}-of-${v.parties.length}, parties ${v.parties.join(', ')})`,
    `status     ${v.status}${v.error ? ` (${v.error.code}: ${v.error.message})` : ''}`,
    `address    ${v.address ?? '(none)'}`,
    `public key ${v.publicKey ?? '(none)'}`,
  ].join('\n');
}

const help = `usage: cairn vault <create|address|list|fund> [options]

  cairn vault create --name N --threshold T [--scheme S] [--parties 1,2,3]
      Create a vault: the admin-signed keygen job goes to every party's node, which run
      distributed key generation together; progress is shown per node. The key never exists
      in one place. Default scheme dkls23-secp256k1 (EVM); T must be >= 2.
  cairn vault address --vault N      The vault's EVM address (and public key).
  cairn vault list                    All vaults.
  cairn vault fund --vault N --amount X [--token ADDR|demo]
      Dev cluster only: send ether (or demo ERC-20 tokens) from the anvil dev account.

options:
  --api URL          coordinator URL (default: the running dev cluster, else http://127.0.0.1:8080)
  --dev-dir DIR      dev cluster directory (default .cairn/dev)
  --key FILE         initiator key file named in the vault (default: dev initiator key)
  --admin-key FILE   admin key file; repeat for each admin (default: dev admin keys)
  --json             print JSON
  --help             this text

examples:
  cairn vault create --name treasury --threshold 2
  cairn vault fund --vault treasury --amount 10
  cairn vault fund --vault treasury --amount 500 --token demo
  cairn vault address --vault treasury --json
`;

export const command: Command = {
  name: 'vault',
  summary: 'create vaults (DKG across the signer nodes), show addresses, fund (dev)',
  help,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    switch (sub) {
      case 'create': {
        const { values } = parseOptions('vault', rest, {
          ...operatorOptions,
          name: { type: 'string' },
          threshold: { type: 'string' },
          scheme: { type: 'string' },
          parties: { type: 'string' },
          key: { type: 'string' },
          'admin-key': { type: 'string', multiple: true },
        });
        if (!values.name) throw new CliError('USAGE', 'vault create needs --name N');
        const threshold = Number(values.threshold ?? '2');
        if (!Number.isInteger(threshold) || threshold < 2)
          throw new CliError('USAGE', '--threshold must be an integer >= 2 (a 1-of-n key is a single key)');
        const parties = values.parties?.split(',').map((p) => Number(p.trim()));
        if (parties?.some((p) => !Number.isInteger(p) || p < 1))
          throw new CliError('USAGE', '--parties: comma-separated party ids');
        const ctx = await operatorContextOf(io, values);
        const { createVaultOperation } = await coordinator();
        const vault = await operation(() =>
          createVaultOperation(ctx, {
            name: values.name!,
            threshold,
            scheme: values.scheme ?? 'dkls23-secp256k1',
            parties,
            onProgress: values.json ? undefined : (l) => io.stdout(`${l}\n`),
          }),
        );
        io.stdout(values.json ? `${JSON.stringify(vault)}\n` : `${describe(vault)}\n`);
        return 0;
      }
      case 'address': {
        const { values } = parseOptions('vault', rest, { ...operatorOptions, vault: { type: 'string' } });
        if (!values.vault) throw new CliError('USAGE', 'vault address needs --vault N');
        const ctx = await operatorContextOf(io, values);
        const { rethrow } = await coordinator();
        const v = await operation(() => ctx.api.vault(values.vault!).catch(rethrow));
        if (values.json)
          io.stdout(
            `${JSON.stringify({ vault: v.name, address: v.address, publicKey: v.publicKey, scheme: v.scheme })}\n`,
          );
        else io.stdout(`${v.address ?? v.publicKey ?? '(no key yet)'}\n`);
        return 0;
      }
      case 'list': {
        const { values } = parseOptions('vault', rest, operatorOptions);
        const ctx = await operatorContextOf(io, values);
        const { rethrow } = await coordinator();
        const vaults = await operation(() => ctx.api.vaults().catch(rethrow));
        if (values.json) io.stdout(`${JSON.stringify(vaults)}\n`);
        else if (vaults.length === 0)
          io.stdout('no vaults yet: cairn vault create --name treasury --threshold 2\n');
        else
          for (const v of vaults)
            io.stdout(
              `${v.name.padEnd(20)} ${v.status.padEnd(9)} ${v.scheme.padEnd(18)} ${v.address ?? ''}\n`,
            );
        return 0;
      }
      case 'fund': {
        const { values } = parseOptions('vault', rest, {
          ...operatorOptions,
          vault: { type: 'string' },
          amount: { type: 'string' },
          token: { type: 'string' },
        });
        if (!values.vault || !values.amount)
          throw new CliError('USAGE', 'vault fund needs --vault N --amount X');
        const ctx = await operatorContextOf(io, values);
        const { fundVaultOperation } = await coordinator();
        const r = await operation(() =>
          fundVaultOperation(ctx, { vault: values.vault!, amount: values.amount!, token: values.token }),
        );
        io.stdout(
          values.json
            ? `${JSON.stringify(r)}\n`
            : `funded ${r.vault} (${r.address}) with ${r.amount} ${r.asset}; balance ${r.balance} base units; tx ${r.txHash}\n`,
        );
        return 0;
      }
      default:
        throw new CliError('USAGE', `unknown or missing subcommand${sub ? ` '${sub}'` : ''}\n\n${help}`);
    }
  },
};
