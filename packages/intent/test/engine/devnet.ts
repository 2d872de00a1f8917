// Test devnet for the engine tests: a real anvil as the "upstream" chain, a counting proxy in
// front of it, and helpers to deploy the scenario contracts (packages/intent/contracts artifacts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ANVIL_DEV_PRIVATE_KEYS, type Anvil, startAnvil } from '@cairn/chains';
import { type Abi, createPublicClient, createWalletClient, type Hex, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

export interface Artifact {
  abi: Abi;
  bytecode: Hex;
}

export function artifact(name: string): Artifact {
  const path = join(import.meta.dirname, '..', '..', 'contracts', 'artifacts', `${name}.json`);
  return JSON.parse(readFileSync(path, 'utf8')) as Artifact;
}

export const VAULT_KEY = ANVIL_DEV_PRIVATE_KEYS[0];
export const vaultAccount = privateKeyToAccount(VAULT_KEY);
export const VAULT = vaultAccount.address.toLowerCase() as `0x${string}`;
export const ALICE = '0x70997970c51812dc3a10c5e1f61d89e2f6ab2c80' as const;

export interface Devnet {
  anvil: Anvil;
  deploy(name: string, args?: readonly unknown[]): Promise<`0x${string}`>;
  send(to: `0x${string}`, data: Hex, value?: bigint): Promise<void>;
  mine(): Promise<void>;
  blockNumber(): Promise<bigint>;
  stop(): Promise<void>;
}

export async function startDevnet(): Promise<Devnet> {
  const anvil = await startAnvil();
  const transport = http(anvil.rpcUrl);
  const wallet = createWalletClient({ account: vaultAccount, transport });
  const pub = createPublicClient({ transport });
  return {
    anvil,
    async deploy(name, args = []) {
      const a = artifact(name);
      const hash = await wallet.deployContract({ abi: a.abi, bytecode: a.bytecode, args, chain: null });
      const receipt = await pub.waitForTransactionReceipt({ hash });
      if (!receipt.contractAddress) throw new Error(`deploy ${name} failed`);
      return receipt.contractAddress.toLowerCase() as `0x${string}`;
    },
    async send(to, data, value = 0n) {
      const hash = await wallet.sendTransaction({ to, data, value, chain: null });
      await pub.waitForTransactionReceipt({ hash });
    },
    async mine() {
      await pub.request({ method: 'anvil_mine' as never, params: ['0x1'] as never });
    },
    blockNumber: async () => BigInt(await pub.request({ method: 'eth_blockNumber' })),
    stop: () => anvil.stop(),
  };
}
