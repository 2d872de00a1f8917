// Deploys two of the intent package's scenario contracts (packages/intent/contracts/artifacts) on
// a local anvil: a DemoToken held by `holder`, and a fresh Drainer deployed by an attacker, the
// setting of the "unlimited approve to a fresh contract" acceptance scenario.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ANVIL_DEV_PRIVATE_KEYS } from '@cairn/chains';
import { type Abi, type Address, createPublicClient, createWalletClient, type Hex, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';

const ARTIFACTS = join(import.meta.dirname, '..', '..', '..', 'intent', 'contracts', 'artifacts');

function artifact(name: string): { abi: Abi; bytecode: Hex } {
  return JSON.parse(readFileSync(join(ARTIFACTS, `${name}.json`), 'utf8'));
}

export const deployer = privateKeyToAccount(ANVIL_DEV_PRIVATE_KEYS[0]);
export const attacker = privateKeyToAccount(ANVIL_DEV_PRIVATE_KEYS[2]);

export async function deployScenario(rpcUrl: string): Promise<{ token: Address; drainer: Address }> {
  const pub = createPublicClient({ chain: foundry, transport: http(rpcUrl) });
  async function deploy(account: typeof deployer, name: string, args: unknown[]): Promise<Address> {
    const wallet = createWalletClient({ account, chain: foundry, transport: http(rpcUrl) });
    const a = artifact(name);
    const hash = await wallet.deployContract({ abi: a.abi, bytecode: a.bytecode, args });
    const receipt = await pub.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    return receipt.contractAddress!.toLowerCase() as Address;
  }
  const token = await deploy(deployer, 'DemoToken', ['Demo USD', 'DUSD', 10n ** 24n]);
  const drainer = await deploy(attacker, 'Drainer', [attacker.address]);
  return { token, drainer };
}
