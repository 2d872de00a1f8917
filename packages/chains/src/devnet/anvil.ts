// A real local EVM node for tests and the embedded default: anvil (from the @foundry-rs/anvil
// npm package), started as a child process bound to 127.0.0.1 only.
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

/** Anvil's well-known development accounts (mnemonic "test test … junk"); never use them for real funds. */
export const ANVIL_DEV_PRIVATE_KEYS = [
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
] as const;

export interface StartAnvilParameters {
  /** Port on 127.0.0.1; a free one is chosen when omitted. */
  port?: number;
  chainId?: number;
  /** Fork state from this RPC URL (at `forkBlockNumber`, else the latest block). */
  forkUrl?: string;
  forkBlockNumber?: bigint;
  /** Seconds between blocks; omitted = mine on every transaction (automine). */
  blockTime?: number;
  /** Extra command-line arguments. */
  args?: readonly string[];
  /** Milliseconds to wait for the RPC to answer (default 30 s). */
  readyTimeoutMs?: number;
}

export interface Anvil {
  readonly rpcUrl: string;
  readonly port: number;
  readonly chainId: number;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export class DevnetError extends Error {
  readonly code: 'ANVIL_NOT_INSTALLED' | 'ANVIL_START_FAILED';
  constructor(code: DevnetError['code'], message: string) {
    super(message);
    this.name = 'DevnetError';
    this.code = code;
  }
}

/** Path of the anvil binary installed by the @foundry-rs/anvil package. */
export function anvilBinary(): string {
  const require = createRequire(import.meta.url);
  try {
    const pkg = require.resolve('@foundry-rs/anvil/package.json');
    return join(dirname(pkg), '..', '..', '.bin', 'anvil');
  } catch {
    throw new DevnetError(
      'ANVIL_NOT_INSTALLED',
      'anvil is not installed: run `npm install` at the repository root',
    );
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(body.error.message);
  return body.result;
}

export async function startAnvil(params: StartAnvilParameters = {}): Promise<Anvil> {
  const port = params.port ?? (await freePort());
  const chainId = params.chainId ?? 31337;
  const args = ['--host', '127.0.0.1', '--port', String(port), '--chain-id', String(chainId), '--silent'];
  if (params.forkUrl) args.push('--fork-url', params.forkUrl);
  if (params.forkBlockNumber !== undefined) args.push('--fork-block-number', String(params.forkBlockNumber));
  if (params.blockTime !== undefined) args.push('--block-time', String(params.blockTime));
  args.push(...(params.args ?? []));
  const child = spawn(anvilBinary(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const rpcUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (params.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (exited) throw new DevnetError('ANVIL_START_FAILED', `anvil exited during start-up: ${stderr.trim()}`);
    try {
      await rpc(rpcUrl, 'eth_chainId');
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new DevnetError('ANVIL_START_FAILED', `anvil did not answer on ${rpcUrl}: ${stderr.trim()}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    rpcUrl,
    port,
    chainId,
    process: child,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exit;
      clearTimeout(timer);
    },
  };
}
