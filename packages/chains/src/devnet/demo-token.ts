// The demo ERC-20 deployed on the local devnet (`cairn dev`) and in end-to-end tests. The
// compiled artifact is committed (compiling takes seconds); a test recompiles and compares.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createWalletClient, getAddress, type Hex, http, publicActions } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';

export interface DemoTokenArtifact {
  contractName: 'DemoToken';
  compiler: string;
  abi: unknown[];
  bytecode: Hex;
}

let cached: DemoTokenArtifact | undefined;

/** The committed DemoToken artifact (ABI + creation bytecode). */
export function demoTokenArtifact(): DemoTokenArtifact {
  cached ??= JSON.parse(
    readFileSync(join(import.meta.dirname, 'artifacts', 'DemoToken.json'), 'utf8'),
  ) as DemoTokenArtifact;
  return cached;
}

export interface DeployDemoTokenParameters {
  rpcUrl: string;
  /** Deployer key (an anvil dev key); the whole supply is minted to it. */
  privateKey: Hex;
  name?: string;
  symbol?: string;
  /** Supply in whole tokens (18 decimals); default 1,000,000. */
  supply?: bigint;
}

export interface DeployedDemoToken {
  address: Hex;
  deployer: Hex;
  name: string;
  symbol: string;
  decimals: 18;
  transactionHash: Hex;
}

/** Deploys the demo token from `privateKey` and waits for the receipt. */
export async function deployDemoToken(params: DeployDemoTokenParameters): Promise<DeployedDemoToken> {
  const account = privateKeyToAccount(params.privateKey);
  const client = createWalletClient({ account, transport: http(params.rpcUrl) }).extend(publicActions);
  const chainId = await client.getChainId();
  const name = params.name ?? 'Cairn Demo Token';
  const symbol = params.symbol ?? 'CDT';
  const artifact = demoTokenArtifact();
  const hash = await client.deployContract({
    abi: artifact.abi,
    bytecode: artifact.bytecode,
    args: [name, symbol, (params.supply ?? 1_000_000n) * 10n ** 18n],
    chain: { ...foundry, id: chainId },
  });
  const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  if (receipt.status !== 'success' || !receipt.contractAddress) {
    throw new Error(`demo token deployment failed in transaction ${hash}`);
  }
  return {
    address: getAddress(receipt.contractAddress),
    deployer: account.address,
    name,
    symbol,
    decimals: 18,
    transactionHash: hash,
  };
}
