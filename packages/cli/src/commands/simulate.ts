// `cairn simulate`: what a transaction or a typed-data signature would really do, before anyone
// signs it. The logic lives in @cairn/intent (runSimulateCommand); this module parses options.
import { canonicalize } from '@cairn/canonical';
import { IntentError, runSimulateCommand } from '@cairn/intent';
import { CliError, type Command, parseOptions } from '../command.ts';

const HELP = `usage: cairn simulate --rpc URL --from ADDR --to ADDR [--value WEI] [--data HEX] [options]
       cairn simulate --typed-data FILE --signer ADDR [--rpc URL] [options]

Simulates a transaction against forked chain state (a local anvil fork of --rpc, pinned to the
current block) and explains it: a one-paragraph summary first, then asset changes, approvals,
findings, then details (decoded call, state changes, counterparties, call trace, simulation block).
With --typed-data, analyses an EIP-712 signature request (Permit, Permit2, Seaport, Blur…) instead.

It fails closed: if the RPC is down, too slow or on another chain, the report says
"unavailable" with risk "unknown" — policy blocks such requests unless it explicitly allows a fallback.

options:
  --rpc URL              chain RPC to fork from (credentials in the URL are never printed)
  --from ADDR            sender (the vault)
  --to ADDR              target address (omit to simulate a contract deployment)
  --value WEI            native value in wei (decimal or 0x-hex; default 0)
  --data HEX             calldata (default 0x)
  --chain-id N           chain id (default: asked of the RPC; needed when the RPC is down)
  --block N              simulate at block N instead of the current head
  --engine fork|rpc      fork (default): local anvil fork with cached state;
                         rpc: the node's own debug_traceCall / eth_simulateV1
  --second-opinion       also run the other engine and compare (a disagreement is a finding)
  --timeout MS           simulation budget (default 15000)
  --typed-data FILE      EIP-712 JSON (as given to eth_signTypedData_v4)
  --signer ADDR          the signing address for --typed-data
  --address-book FILE    address book list file ({"entries":[{"address","label"}]})
  --allowlist FILE       allowlist file (same format)
  --blocklist FILE       blocklist / threat-intel file (repeatable)
  --json                 print the report as canonical JSON: {"digest", "report"}

exit status: 0 = report produced with risk none/low/medium; 3 = risk high, critical or unknown
(including "could not simulate"); 1 = error; 2 = usage.

examples:
  cairn simulate --rpc http://127.0.0.1:8545 --from 0xf39f…2266 --to 0x7099…79c8 --value 1000000000000000000
  cairn simulate --rpc $RPC --from $VAULT --to $USDC --data 0xa9059cbb… --json
  cairn simulate --typed-data permit2.json --signer $VAULT --rpc $RPC`;

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

export const command: Command = {
  name: 'simulate',
  summary: 'simulate a transaction or typed-data signature and explain what it really does',
  help: HELP,
  async run(argv, io) {
    const { values } = parseOptions('simulate', argv, {
      rpc: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      value: { type: 'string' },
      data: { type: 'string' },
      'chain-id': { type: 'string' },
      block: { type: 'string' },
      engine: { type: 'string' },
      'second-opinion': { type: 'boolean' },
      timeout: { type: 'string' },
      'typed-data': { type: 'string' },
      signer: { type: 'string' },
      'address-book': { type: 'string' },
      allowlist: { type: 'string' },
      blocklist: { type: 'string', multiple: true },
      json: { type: 'boolean' },
    });
    const usage = (m: string) => new CliError('USAGE', `${m}\nrun 'cairn simulate --help' for usage`);
    const int = (name: string, v: string | undefined, max = Number.MAX_SAFE_INTEGER) => {
      if (v === undefined) return undefined;
      if (!/^\d+$/.test(v) || Number(v) > max) throw usage(`--${name} must be a non-negative integer`);
      return Number(v);
    };
    const typed = values['typed-data'];
    if (typed !== undefined) {
      if (!values.signer) throw usage('--typed-data needs --signer ADDR');
      if (values.from || values.to || values.data || values.value)
        throw usage('--typed-data cannot be combined with --from/--to/--value/--data');
    } else {
      if (!values.rpc && values['chain-id'] === undefined) throw usage('--rpc URL is required');
      if (!values.from) throw usage('--from ADDR is required');
    }
    for (const [name, v] of [
      ['from', values.from],
      ['to', values.to],
      ['signer', values.signer],
    ] as const) {
      if (v !== undefined && !ADDRESS.test(v))
        throw usage(`--${name} must be a 0x-prefixed 20-byte hex address`);
    }
    if (values.engine !== undefined && values.engine !== 'fork' && values.engine !== 'rpc')
      throw usage('--engine must be fork or rpc');
    if (values.rpc !== undefined) {
      try {
        const u = new URL(values.rpc);
        if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
      } catch {
        throw usage('--rpc must be an http(s) URL');
      }
    }
    const chainId = int('chain-id', values['chain-id']);
    const timeout = int('timeout', values.timeout, 600_000);
    const block = int('block', values.block);
    let result: Awaited<ReturnType<typeof runSimulateCommand>>;
    try {
      result = await runSimulateCommand({
        ...(values.rpc ? { rpc: values.rpc } : {}),
        ...(chainId !== undefined ? { chainId } : {}),
        ...(values.engine ? { engine: values.engine as 'fork' | 'rpc' } : {}),
        ...(values['second-opinion'] ? { secondOpinion: true } : {}),
        ...(timeout !== undefined ? { timeoutMs: timeout } : {}),
        ...(block !== undefined ? { blockNumber: BigInt(block) } : {}),
        lists: {
          ...(values['address-book'] ? { addressBook: values['address-book'] } : {}),
          ...(values.allowlist ? { allowlist: values.allowlist } : {}),
          ...(values.blocklist ? { blocklists: values.blocklist } : {}),
        },
        ...(typed !== undefined
          ? { typedData: { file: typed, signer: values.signer! } }
          : {
              transaction: {
                from: values.from!,
                ...(values.to ? { to: values.to } : {}),
                ...(values.value !== undefined ? { value: values.value } : {}),
                ...(values.data !== undefined ? { data: values.data } : {}),
              },
            }),
      });
    } catch (error) {
      if (error instanceof IntentError) {
        throw new CliError(error.code === 'INVALID_INPUT' ? 'INVALID_INPUT' : 'UNAVAILABLE', error.message, {
          cause: error,
        });
      }
      const code = (error as { code?: unknown })?.code;
      if (typeof code === 'string' && code.startsWith('LIST_'))
        throw new CliError('INVALID_INPUT', (error as Error).message);
      throw error;
    }
    if (values.json) io.stdout(`${canonicalize({ digest: result.digest, report: result.report })}\n`);
    else io.stdout(result.text);
    const risk = result.report.riskLevel;
    return risk === 'high' || risk === 'critical' || risk === 'unknown' ? 3 : 0;
  },
};
