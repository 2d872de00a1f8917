// The shared vocabulary of the intent package: what a simulation produced, what the extractors
// made of it, what a rule sees (AnalysisContext) and returns (Finding), and the IntentReport that
// nodes and approvers sign over. This file is the contract between the engine (simulate, decode,
// extract, report) and the rules / typed-data analysers: change it only by agreement.
//
// Conventions (so every value is canonical JSON and survives a JSON round trip unchanged, which
// keeps the report digest verifiable by anyone who parses it):
// - addresses are lowercase `0x` + 40 hex digits (display code may checksum them);
// - amounts, token ids, gas, block numbers and other uint256-ish values are DECIMAL STRINGS
//   (signed decimal for deltas, e.g. "-1500000"); never JS numbers. Use BigInt(x) to compare;
// - hex data (calldata, storage words, hashes) is lowercase `0x`-prefixed;
// - small counts (depth, codeSize, decimals, chainId) are safe-integer numbers.

/** Lowercase 0x-prefixed 20-byte address. */
export type Address = `0x${string}`;
/** Lowercase 0x-prefixed hex bytes. */
export type Hex = `0x${string}`;

/** Severity of one finding. */
export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';
/** Overall risk: the highest finding severity ('info' counts as 'none'); 'unknown' when not simulated. */
export type RiskLevel = 'none' | 'low' | 'medium' | 'high' | 'critical' | 'unknown';

export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];
export const RISK_LEVELS: readonly RiskLevel[] = ['none', 'low', 'medium', 'high', 'critical', 'unknown'];

// ---------------------------------------------------------------------------------------------
// Requests

/** A transaction to analyse (EVM). `to` absent = contract creation. */
export interface TransactionRequest {
  kind: 'transaction';
  chainId: number;
  from: Address;
  to?: Address;
  /** Wei, decimal string. */
  value: string;
  /** Calldata, '0x' when empty. */
  data: Hex;
  /** Optional gas limit, decimal string. */
  gas?: string;
  /** EIP-7702 authorizations the transaction carries (address = delegate the EOA will point to). */
  authorizationList?: readonly { chainId: number; address: Address; nonce: string }[];
}

/** EIP-712 typed data as given to eth_signTypedData_v4 (values as parsed from JSON). */
export interface TypedData {
  domain: {
    name?: string;
    version?: string;
    chainId?: number | string;
    verifyingContract?: string;
    salt?: string;
  };
  types: Record<string, readonly { name: string; type: string }[]>;
  primaryType: string;
  message: Record<string, unknown>;
}

/** A typed-data signature request. */
export interface TypedDataRequest {
  kind: 'typed-data';
  chainId: number;
  signer: Address;
  typedData: TypedData;
}

export type IntentRequest = TransactionRequest | TypedDataRequest;

// ---------------------------------------------------------------------------------------------
// Simulation

/**
 * 'ok' / 'reverted': the request was simulated. 'unavailable': it could not be (RPC down, timeout,
 * unsupported chain, engine error) → risk 'unknown', which policy treats as blocking.
 * 'not-applicable': typed data (nothing to execute; analysed statically).
 */
export type SimulationStatus = 'ok' | 'reverted' | 'unavailable' | 'not-applicable';

export type CallType =
  | 'CALL'
  | 'DELEGATECALL'
  | 'STATICCALL'
  | 'CALLCODE'
  | 'CREATE'
  | 'CREATE2'
  | 'SELFDESTRUCT';

/** One frame of the call trace, flattened in pre-order (parent before children). */
export interface CallFrame {
  /** Position in the tree: "0" is the top call, "0.2" its third child, "0.2.0" that one's first child. */
  path: string;
  /** 0 for the top-level call. */
  depth: number;
  type: CallType;
  from: Address;
  /** Callee; for CREATE/CREATE2 the created address. In a DELEGATECALL, `to` is the code run in `from`'s storage. */
  to: Address;
  /** Wei, decimal string ('0' for DELEGATECALL/STATICCALL). */
  value: string;
  input: Hex;
  output: Hex;
  gasUsed: string;
  /** Set when this frame reverted or failed. */
  error?: string;
  /** Decoded revert reason (Error(string), Panic(uint256) or a known custom error), when any. */
  revertReason?: string;
  /** The decoded call, when the selector is known. */
  decoded?: DecodedCall;
}

/** An event log emitted during the simulation (only logs of frames that did not revert). */
export interface EventLog {
  address: Address;
  topics: readonly Hex[];
  data: Hex;
  /** CallFrame.path of the emitting frame. */
  framePath: string;
  /** Index in emission order over the whole transaction. */
  index: number;
}

/** One storage slot that changed (from the prestate diff). */
export interface StorageChange {
  address: Address;
  slot: Hex;
  before: Hex;
  after: Hex;
}

/** Block the simulation ran on top of. */
export interface SimulationBlock {
  /** Decimal string. */
  number: string;
  hash: Hex;
  /** Unix seconds, decimal string. */
  timestamp: string;
}

/** A second engine's verdict on the same request (e.g. the node's own eth_simulateV1). */
export interface SecondOpinion {
  engine: string;
  status: SimulationStatus;
  gasUsed?: string;
  /** True when status (and, when both succeeded, the asset-relevant logs) match the primary engine. */
  agrees: boolean;
  detail?: string;
}

/** What the simulation produced, as rules see it. */
export interface SimulationSummary {
  status: SimulationStatus;
  /** Engine that produced it: 'fork' (forked anvil), 'rpc' (eth_simulateV1/debug_traceCall), 'none'. */
  engine: string;
  block?: SimulationBlock;
  gasUsed?: string;
  revertReason?: string;
  /** Why the simulation is unavailable (stable code + message), when status is 'unavailable'. */
  error?: { code: string; message: string };
  /** Flattened call trace (empty when not simulated). */
  trace: readonly CallFrame[];
  logs: readonly EventLog[];
  /** Every storage slot that changed (raw); meaningful ones are also in AnalysisContext.stateChanges. */
  storageChanges: readonly StorageChange[];
  /** Accounts whose code changed: created, self-destructed or EIP-7702-delegated. */
  codeChanges: readonly { address: Address; before: Hex; after: Hex }[];
  secondOpinion?: SecondOpinion;
}

// ---------------------------------------------------------------------------------------------
// Decoding

/** A decoded argument value: addresses lowercase, integers decimal strings, bytes hex. */
export type ArgValue = string | boolean | readonly ArgValue[] | { readonly [key: string]: ArgValue };

export interface DecodedArg {
  name: string;
  /** Solidity type, e.g. 'address', 'uint256', '(address,uint256)[]'. */
  type: string;
  value: ArgValue;
}

/** A call, decoded as far as known ABIs allow, with nested batches decoded recursively. */
export interface DecodedCall {
  /** Target of the call (for inner batch calls, the inner target). Absent for contract creation. */
  to?: Address;
  /** Wei, decimal string. */
  value: string;
  data: Hex;
  /** How the call is executed: inner Safe/MultiSend operations may be delegatecalls. */
  operation: 'call' | 'delegatecall' | 'create';
  /** First 4 bytes of data, absent when data is shorter than 4 bytes (plain transfer). */
  selector?: Hex;
  /** e.g. 'transfer'. */
  functionName?: string;
  /** e.g. 'transfer(address,uint256)'. */
  signature?: string;
  /**
   * 'abi': decoded with a verified ABI (registry file or standard ABI); 'selector-db': decoded
   * from the 4-byte signature database only (parameter names unknown, may be a collision);
   * 'none': unknown selector, or no data.
   */
  source: 'abi' | 'selector-db' | 'none';
  /** Registry entry / standard ABI that decoded it, e.g. 'erc20', 'safe', 'multisend'. */
  abi?: string;
  args?: readonly DecodedArg[];
  /** Inner calls of a batch (Safe execTransaction, MultiSend, Multicall3, multicall(bytes[])…). */
  inner?: readonly DecodedCall[];
  /** Why decoding failed, when the selector was known but the data did not decode. */
  error?: string;
}

// ---------------------------------------------------------------------------------------------
// Extracted facts

export type AssetKind = 'native' | 'erc20' | 'erc721' | 'erc1155';

export interface Asset {
  kind: AssetKind;
  /** Token contract; absent for the native asset. */
  address?: Address;
  symbol?: string;
  name?: string;
  /** Decimals of fungible assets (18 for native). */
  decimals?: number;
  /** ERC-721 / ERC-1155 token id, decimal string. */
  tokenId?: string;
}

/** One movement of an asset, from a log (tokens) or a call frame's value (native). */
export interface Transfer {
  asset: Asset;
  from: Address;
  to: Address;
  /** Raw amount, decimal string (1 for ERC-721). */
  amount: string;
  /** CallFrame.path / log index that evidences it. */
  evidence: string;
}

/** Net change of one asset for one address over the whole transaction. */
export interface AssetChange {
  address: Address;
  asset: Asset;
  /** Signed raw amount, decimal string (e.g. "-1500000"). */
  delta: string;
  /** Human amount with decimals applied and sign, e.g. "-1.5" (when decimals are known). */
  formatted?: string;
  /** USD value of |delta| as a decimal string with 2 decimals, when a price source is configured. */
  usdValue?: string;
}

export type ApprovalKind =
  | 'approve'
  | 'increaseAllowance'
  | 'setApprovalForAll'
  | 'permit'
  | 'permit2-approve'
  | 'permit2-permit'
  | 'permit2-permit-batch'
  | 'permit2-transfer'
  | 'permit2-transfer-batch';

/** An allowance granted or revoked, by a transaction (from logs/calldata) or a typed-data signature. */
export interface Approval {
  kind: ApprovalKind;
  /** Token contract whose allowance changes. */
  token: Address;
  asset?: Asset;
  owner: Address;
  /** Spender / operator that gains (or loses) the right to move the owner's tokens. */
  spender: Address;
  /** Allowance amount, decimal string (fungible approvals). */
  amount?: string;
  /** ERC-721 approve of one token id. */
  tokenId?: string;
  /** setApprovalForAll(operator, true): every token of the collection. */
  all?: boolean;
  /** amount >= 2^255 (or max uint160 for Permit2), or `all`. */
  unlimited: boolean;
  /** amount 0, setApprovalForAll(false), or approval to the zero address. */
  revoked: boolean;
  /** Permit/Permit2 signature deadline or Permit2 allowance expiration, unix seconds (decimal). */
  deadline?: string;
  expiration?: string;
  source: 'transaction' | 'typed-data';
}

export type StateMeaning =
  | 'eip1967.implementation'
  | 'eip1967.admin'
  | 'eip1967.beacon'
  | 'safe.singleton'
  | 'safe.owners'
  | 'safe.threshold'
  | 'safe.modules'
  | 'safe.guard'
  | 'safe.fallbackHandler'
  | 'ownable.owner'
  | 'eip7702.delegation'
  | 'code';

/** A state change that matters for custody (proxy implementation, Safe owners, ownership…). */
export interface StateChange {
  address: Address;
  meaning: StateMeaning;
  /** Storage slot, absent for code / EIP-7702 changes. */
  slot?: Hex;
  /** For mapping entries (Safe owners/modules): the key, e.g. the owner added or removed. */
  key?: Address;
  /**
   * Decoded values: an address when the slot holds one (zero address = none), a decimal for
   * counts (threshold), 'present'/'absent' for Safe linked-list membership, raw hex otherwise.
   */
  before: string;
  after: string;
  /** Plain-language description, e.g. "implementation of 0xabc… changes from 0x… to 0x…". */
  description: string;
}

export interface ListHits {
  /** Address-book label, when the address is in the address book. */
  addressBook?: string;
  allow: boolean;
  /** Blocklist / threat-intel reason, when the address is blocked. */
  block?: string;
}

export type CounterpartyRole =
  | 'to'
  | 'recipient'
  | 'sender'
  | 'spender'
  | 'operator'
  | 'delegatecall-target'
  | 'implementation'
  | 'new-owner'
  | 'module'
  | 'guard'
  | 'fallback-handler'
  | 'delegate'
  | 'verifying-contract'
  | 'called';

/** An address the request interacts with, other than the vault itself. */
export interface Counterparty {
  address: Address;
  kind: 'eoa' | 'contract';
  /** Code size in bytes at the simulated block (before execution). */
  codeSize: number;
  /** EIP-7702 delegate when the account's code is a delegation designator. */
  delegatedTo?: Address;
  /**
   * For contracts: whether the code contains any instruction that could ever move assets out
   * (CALL, CALLCODE, DELEGATECALL, CREATE, CREATE2, SELFDESTRUCT). False means whatever it is
   * sent is stuck for good.
   */
  canMoveAssets?: boolean;
  roles: readonly CounterpartyRole[];
  lists: ListHits;
  /** True when the vault has never interacted with this address before (per vault history). */
  firstInteraction: boolean;
}

// ---------------------------------------------------------------------------------------------
// Inputs a rule may consult

export interface ListEntry {
  address: Address;
  label?: string;
  reason?: string;
}

/** Address book, allowlist and blocklist snapshot (src/lists loads and reloads them). */
export interface AddressLists {
  /** address → label */
  addressBook: ReadonlyMap<Address, string>;
  allowlist: ReadonlySet<Address>;
  /** address → reason (blocklist and threat intel) */
  blocklist: ReadonlyMap<Address, string>;
}

export const EMPTY_LISTS: AddressLists = {
  addressBook: new Map(),
  allowlist: new Set(),
  blocklist: new Map(),
};

export interface VaultContext {
  /** The vault's signing address (the `from` / `signer`). */
  address: Address;
  /** Balances before the request, when known: raw amounts. */
  balances?: readonly { asset: Asset; amount: string }[];
  /** Addresses the vault has interacted with before (for first-interaction / poisoning checks). */
  knownCounterparties: ReadonlySet<Address>;
}

/** USD price per whole token, decimal string; key = 'native' or the lowercase token address. */
export type PriceTable = ReadonlyMap<string, string>;

/** What EIP-712 analysis (src/typed-data) makes of a typed-data request. */
export type TypedDataKind =
  | 'eip2612-permit'
  | 'dai-permit'
  | 'permit2-single'
  | 'permit2-batch'
  | 'permit2-transfer'
  | 'permit2-transfer-batch'
  | 'seaport-order'
  | 'blur-order'
  | 'unknown';

export interface TypedDataAnalysis {
  kind: TypedDataKind;
  /** Plain words, e.g. "Permit2 allowance: 0xspender may spend unlimited USDC until 2026-12-01". */
  description: string;
  /** Domain fields as given (verifyingContract lowercase). */
  domain: { name?: string; version?: string; chainId?: string; verifyingContract?: Address };
  /** Allowances the signature grants (source 'typed-data'). */
  approvals: readonly Approval[];
  /** Assets the signer would give (negative delta) or receive, e.g. for marketplace orders. */
  assetChanges: readonly AssetChange[];
  /** Addresses the message names (spender, operator, zone, recipient…) with their role. */
  counterparties: readonly { address: Address; role: CounterpartyRole }[];
  /** Notable fields in plain form, e.g. { deadline: "1767225600", nonce: "0" }. */
  fields: Readonly<Record<string, string>>;
}

/**
 * Everything a rule may look at. Built once per request by analyze.ts; rules must treat it as
 * read-only and be pure functions of it (every node must reach the same findings).
 */
export interface AnalysisContext {
  chainId: number;
  vault: VaultContext;
  request: IntentRequest;
  simulation: SimulationSummary;
  /** Decoded top-level call (transactions only). */
  decoded?: DecodedCall;
  /** Typed-data analysis (typed-data requests only). */
  typedData?: TypedDataAnalysis;
  transfers: readonly Transfer[];
  assetChanges: readonly AssetChange[];
  approvals: readonly Approval[];
  stateChanges: readonly StateChange[];
  counterparties: readonly Counterparty[];
  lists: AddressLists;
  prices?: PriceTable;
  /** Unix seconds used for deadline checks: the simulated block's timestamp, else the clock. */
  now: number;
}

// ---------------------------------------------------------------------------------------------
// Rules

export interface Finding {
  ruleId: string;
  severity: Severity;
  /** Plain words for an approver, e.g. "This grants 0xabc… unlimited spending of your USDC." */
  message: string;
  /** Facts backing the finding (string values only, canonical JSON). */
  evidence: Record<string, string>;
}

/** A risk rule: a pure function from the context to zero or more findings. */
export interface Rule {
  /** Stable id, kebab-case, e.g. 'unlimited-approval'; policy refers to findings by it. */
  id: string;
  description: string;
  evaluate(ctx: AnalysisContext): Finding[];
}

// ---------------------------------------------------------------------------------------------
// The report

export const INTENT_REPORT_DOMAIN = 'cairn/intent-report/v1';

/** A call-trace entry as reported (CallFrame without output, with the decoded function name). */
export interface TraceEntry {
  path: string;
  depth: number;
  type: CallType;
  from: Address;
  to: Address;
  value: string;
  /** Function signature or selector. */
  function?: string;
  /** True for DELEGATECALL / CALLCODE: code at `to` runs with `from`'s storage and balance. */
  delegatecall: boolean;
  error?: string;
}

/**
 * The intent report: canonical JSON; its digest `digestOf(INTENT_REPORT_DOMAIN, report)` is what
 * nodes and approvers sign over. It contains no wall-clock time, so every node simulating the
 * same request at the same block produces the same digest.
 */
export interface IntentReport {
  version: 1;
  kind: 'transaction' | 'typed-data';
  chainId: number;
  request: IntentRequest;
  /** Coverage: whether the request was actually simulated (status ok or reverted). */
  simulated: boolean;
  simulation: {
    status: SimulationStatus;
    engine: string;
    block?: SimulationBlock;
    gasUsed?: string;
    revertReason?: string;
    error?: { code: string; message: string };
    secondOpinion?: SecondOpinion;
  };
  decoded?: DecodedCall;
  typedData?: TypedDataAnalysis;
  assetChanges: readonly AssetChange[];
  approvals: readonly Approval[];
  stateChanges: readonly StateChange[];
  trace: readonly TraceEntry[];
  counterparties: readonly Counterparty[];
  findings: readonly Finding[];
  riskLevel: RiskLevel;
  /** One paragraph in plain words: "You are about to …". */
  summary: string;
}

/** The report with its digest, as analyzeTransaction / analyzeTypedData return it. */
export interface IntentResult {
  report: IntentReport;
  digest: Hex;
}

/** What the policy engine consumes (matches @cairn/policy IntentFacts). */
export interface IntentFacts {
  status: 'simulated' | 'unavailable';
  riskLevel: RiskLevel;
  findingIds: string[];
}

// ---------------------------------------------------------------------------------------------
// Entry points the rules side provides (the engine imports them):
// - `src/rules/index.ts` exports `RULES: readonly Rule[]` (the catalogue).
// - `src/typed-data/index.ts` exports `analyzeTypedDataMessage: TypedDataAnalyzer` — it never
//   throws for an unknown message (returns kind 'unknown'); it may throw IntentError-like errors
//   only for malformed input.

/** Static EIP-712 analysis of one typed-data request. */
export type TypedDataAnalyzer = (request: TypedDataRequest) => TypedDataAnalysis;
