// Hand-made AnalysisContexts for rule unit tests: a vault, a few counterparties, and helpers that
// fill in everything a test does not care about.
import type {
  Address,
  AnalysisContext,
  Approval,
  Asset,
  Counterparty,
  DecodedCall,
  Finding,
  Severity,
  SimulationSummary,
  TransactionRequest,
} from '../../src/types.ts';

export const VAULT: Address = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';
export const FRIEND: Address = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8'; // address book
export const ROUTER: Address = '0x7a250d5630b4cf539739df2c5dacb4c659f2488d'; // allowlisted contract
export const DRAINER: Address = '0xdeadbeef00000000000000000000000000000001'; // fresh contract
export const ATTACKER: Address = '0xbad0000000000000000000000000000000000bad'; // EOA
export const TOKEN: Address = '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48';
export const NFT: Address = '0xbc4ca0eda7647a8ab7c2061c2e118a18a936f13d';
export const SAFE: Address = '0x5afe000000000000000000000000000000005afe';
export const PROXY: Address = '0x1967000000000000000000000000000000001967';

export const ERC20: Asset = { kind: 'erc20', address: TOKEN, symbol: 'USDC', decimals: 6 };
export const ETH: Asset = { kind: 'native', symbol: 'ETH', decimals: 18 };

export function counterparty(
  address: Address,
  kind: 'eoa' | 'contract',
  extra: Partial<Counterparty> = {},
): Counterparty {
  return {
    address,
    kind,
    codeSize: kind === 'contract' ? 1000 : 0,
    roles: ['to'],
    lists: { allow: false },
    firstInteraction: true,
    ...extra,
  };
}

export function tx(extra: Partial<TransactionRequest> = {}): TransactionRequest {
  return { kind: 'transaction', chainId: 1, from: VAULT, to: TOKEN, value: '0', data: '0x', ...extra };
}

export function decoded(extra: Partial<DecodedCall>): DecodedCall {
  return { value: '0', data: '0x', operation: 'call', source: 'abi', ...extra };
}

export function approval(extra: Partial<Approval>): Approval {
  return {
    kind: 'approve',
    token: TOKEN,
    owner: VAULT,
    spender: DRAINER,
    amount: (2n ** 256n - 1n).toString(),
    unlimited: true,
    revoked: false,
    source: 'transaction',
    ...extra,
  };
}

/** A successful simulation in which nothing happened, with `extra` on top. */
export function simulation(extra: Partial<SimulationSummary> = {}): SimulationSummary {
  return { status: 'ok', engine: 'fork', trace: [], logs: [], storageChanges: [], codeChanges: [], ...extra };
}

/** A context where nothing happens: a simulated, successful no-op, with the standard lists. */
export function makeContext(extra: Partial<AnalysisContext> = {}): AnalysisContext {
  return {
    chainId: 1,
    vault: { address: VAULT, knownCounterparties: new Set<Address>(), balances: [] },
    request: tx(),
    simulation: simulation(),
    transfers: [],
    assetChanges: [],
    approvals: [],
    stateChanges: [],
    counterparties: [
      counterparty(ROUTER, 'contract', { lists: { allow: true } }),
      counterparty(DRAINER, 'contract'),
      counterparty(ATTACKER, 'eoa'),
      counterparty(FRIEND, 'eoa', {
        lists: { allow: false, addressBook: 'Friend' },
        firstInteraction: false,
      }),
    ],
    lists: {
      addressBook: new Map([[FRIEND, 'Friend']]),
      allowlist: new Set([ROUTER]),
      blocklist: new Map(),
    },
    now: 1_700_000_000,
    ...extra,
  };
}

/** Severities of the findings of one rule id, sorted (compact to assert). */
export function severities(findings: readonly Finding[], ruleId?: string): Severity[] {
  return findings
    .filter((f) => ruleId === undefined || f.ruleId === ruleId)
    .map((f) => f.severity)
    .sort();
}
