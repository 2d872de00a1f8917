// Deploys the scenario contracts (contracts/artifacts, compiled from contracts/src) on a local
// anvil with its development accounts, and sets up the world the acceptance scenarios run in:
//
//   vault    = dev account 0: the MPC vault (an EOA) whose requests are analysed
//   friend   = dev account 1: in the address book
//   attacker = dev account 2: deploys the drainer, the malicious singleton and the sweeping upgrade
//
//   tokenA, tokenB   DemoToken (ERC-20 + EIP-2612), 1 000 000 each minted to the vault
//   amm              SimpleAMM(tokenA, tokenB) with 100 000 / 100 000 liquidity from the vault
//   nft              DemoNFT, tokens 1 and 2 owned by the vault
//   multiToken       DemoMultiToken (ERC-1155), 100 of id 7 owned by the vault
//   safe             SafeLikeProxy → SafeLikeWallet singleton, owner = vault, threshold 1,
//                    holding 10 ETH and 1 000 tokenA
//   multiSend        Safe-style MultiSend (allowlisted)
//   ownable          OwnableVault owned by the Safe, holding 5 000 tokenA
//   upgradeable      ERC1967Proxy → UpgradeableVaultV1 (owner = vault), holding 5 ETH and 50 000 tokenA
//   implV2           UpgradeableVaultV2 (attacker's, with sweep)
//   malicious        MaliciousSingleton (attacker's)
//   drainer          Drainer (attacker's fresh contract)
//   sink             TokenSink
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ANVIL_DEV_PRIVATE_KEYS } from '@cairn/chains';
import {
  type Abi,
  type Address,
  createPublicClient,
  createWalletClient,
  encodeFunctionData,
  encodePacked,
  type Hex,
  http,
  maxUint256,
  parseEther,
  size,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';

export interface Artifact {
  contractName: string;
  abi: Abi;
  bytecode: Hex;
  deployedBytecode: Hex;
}

const ARTIFACT_DIR = join(import.meta.dirname, '..', '..', 'contracts', 'artifacts');

export function artifact(name: string): Artifact {
  return JSON.parse(readFileSync(join(ARTIFACT_DIR, `${name}.json`), 'utf8')) as Artifact;
}

export const vaultAccount = privateKeyToAccount(ANVIL_DEV_PRIVATE_KEYS[0]);
export const friendAccount = privateKeyToAccount(ANVIL_DEV_PRIVATE_KEYS[1]);
export const attackerAccount = privateKeyToAccount(ANVIL_DEV_PRIVATE_KEYS[2]);

export interface ScenarioWorld {
  rpcUrl: string;
  chainId: number;
  vault: Address;
  friend: Address;
  attacker: Address;
  tokenA: Address;
  tokenB: Address;
  amm: Address;
  nft: Address;
  multiToken: Address;
  safe: Address;
  safeSingleton: Address;
  multiSend: Address;
  ownable: Address;
  upgradeable: Address;
  implV1: Address;
  implV2: Address;
  malicious: Address;
  drainer: Address;
  sink: Address;
}

type Account = typeof vaultAccount;

/** Deploys and funds everything; returns the addresses (lowercase). */
export async function deployScenarioWorld(rpcUrl: string): Promise<ScenarioWorld> {
  const chain = { ...foundry, rpcUrls: { default: { http: [rpcUrl] } } };
  const publicClient = createPublicClient({ chain, transport: http(rpcUrl) });
  const wallet = (account: Account) => createWalletClient({ account, chain, transport: http(rpcUrl) });
  const lower = (a: string) => a.toLowerCase() as Address;

  async function deploy(
    account: Account,
    name: string,
    args: readonly unknown[] = [],
    value = 0n,
  ): Promise<Address> {
    const a = artifact(name);
    const hash = await wallet(account).deployContract({ abi: a.abi, bytecode: a.bytecode, args, value });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success' || !receipt.contractAddress) throw new Error(`deploying ${name} failed`);
    return lower(receipt.contractAddress);
  }
  async function send(account: Account, to: Address, data: Hex = '0x', value = 0n): Promise<void> {
    const hash = await wallet(account).sendTransaction({ to, data, value });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`setup transaction to ${to} reverted`);
  }
  const call = (name: string, functionName: string, args: readonly unknown[]) =>
    encodeFunctionData({ abi: artifact(name).abi, functionName, args });

  const vault = lower(vaultAccount.address);
  const supply = parseEther('1000000');
  const tokenA = await deploy(vaultAccount, 'DemoToken', ['Demo USD', 'DUSD', supply]);
  const tokenB = await deploy(vaultAccount, 'DemoToken', ['Demo EUR', 'DEUR', supply]);
  const amm = await deploy(vaultAccount, 'SimpleAMM', [tokenA, tokenB]);
  for (const token of [tokenA, tokenB])
    await send(vaultAccount, token, call('DemoToken', 'approve', [amm, maxUint256]));
  await send(
    vaultAccount,
    amm,
    call('SimpleAMM', 'addLiquidity', [parseEther('100000'), parseEther('100000')]),
  );

  const nft = await deploy(vaultAccount, 'DemoNFT');
  for (const id of [1n, 2n]) await send(vaultAccount, nft, call('DemoNFT', 'mint', [vault, id]));
  const multiToken = await deploy(vaultAccount, 'DemoMultiToken');
  await send(vaultAccount, multiToken, call('DemoMultiToken', 'mint', [vault, 7n, 100n]));

  const safeSingleton = await deploy(vaultAccount, 'SafeLikeWallet');
  const safe = await deploy(vaultAccount, 'SafeLikeProxy', [safeSingleton]);
  await send(vaultAccount, safe, call('SafeLikeWallet', 'setup', [[vault], 1n]));
  await send(vaultAccount, safe, '0x', parseEther('10'));
  await send(vaultAccount, tokenA, call('DemoToken', 'transfer', [safe, parseEther('1000')]));
  const multiSend = await deploy(vaultAccount, 'MultiSend');
  const ownable = await deploy(vaultAccount, 'OwnableVault', [safe]);
  await send(vaultAccount, tokenA, call('DemoToken', 'transfer', [ownable, parseEther('5000')]));

  const implV1 = await deploy(vaultAccount, 'UpgradeableVaultV1');
  const upgradeable = await deploy(vaultAccount, 'ERC1967Proxy', [
    implV1,
    call('UpgradeableVaultV1', 'initialize', [vault]),
  ]);
  await send(vaultAccount, upgradeable, '0x', parseEther('5'));
  await send(vaultAccount, tokenA, call('DemoToken', 'transfer', [upgradeable, parseEther('50000')]));

  const implV2 = await deploy(attackerAccount, 'UpgradeableVaultV2');
  const malicious = await deploy(attackerAccount, 'MaliciousSingleton');
  const drainer = await deploy(attackerAccount, 'Drainer', [attackerAccount.address]);
  const sink = await deploy(vaultAccount, 'TokenSink');

  return {
    rpcUrl,
    chainId: await publicClient.getChainId(),
    vault,
    friend: lower(friendAccount.address),
    attacker: lower(attackerAccount.address),
    tokenA,
    tokenB,
    amm,
    nft,
    multiToken,
    safe,
    safeSingleton,
    multiSend,
    ownable,
    upgradeable,
    implV1,
    implV2,
    malicious,
    drainer,
    sink,
  };
}

/** Calldata for `functionName` of a scenario contract. */
export function calldata(contract: string, functionName: string, args: readonly unknown[] = []): Hex {
  return encodeFunctionData({ abi: artifact(contract).abi, functionName, args });
}

/** Safe execTransaction calldata (operation 0 = call, 1 = delegatecall; no gas refund, owner-signed). */
export function execTransaction(to: Address, data: Hex, operation: 0 | 1, value = 0n): Hex {
  const zero = '0x0000000000000000000000000000000000000000';
  return calldata('SafeLikeWallet', 'execTransaction', [
    to,
    value,
    data,
    operation,
    0n,
    0n,
    0n,
    zero,
    zero,
    '0x',
  ]);
}

/** Safe MultiSend packed encoding: operation ‖ to ‖ value ‖ data length ‖ data, per transaction. */
export function multiSendCalldata(
  txs: readonly { to: Address; data: Hex; value?: bigint; operation?: 0 | 1 }[],
): Hex {
  const packed = txs.map((t) =>
    encodePacked(
      ['uint8', 'address', 'uint256', 'uint256', 'bytes'],
      [t.operation ?? 0, t.to, t.value ?? 0n, BigInt(size(t.data)), t.data],
    ),
  );
  return calldata('MultiSend', 'multiSend', [`0x${packed.map((p) => p.slice(2)).join('')}`]);
}
