// The entry points: analyzeTransaction (engine → decode → extract → rules → risk → report) and
// analyzeTypedData (EIP-712 analysis → rules → report). Neither throws for engine trouble: an RPC
// that is down, slow, or on the wrong chain yields a report with status 'unavailable' and risk
// 'unknown', which policy treats as blocking unless a rule explicitly allows a fallback.
import type { SimulationCoverage } from './coverage.ts';
import { decodeCall } from './decode/decode-call.ts';
import { type AbiRegistry, defaultRegistry } from './decode/registry.ts';
import {
  type RawSimulation,
  type SimulationEngine,
  type SimulationInput,
  type StateReader,
  withDeadline,
} from './engine/engine.ts';
import { errorCode } from './errors.ts';
import { approvalsFromCalldata, extractApprovals } from './extract/approvals.ts';
import { netAssetChanges } from './extract/asset-changes.ts';
import { extractCounterparties } from './extract/counterparties.ts';
import { extractStateChanges } from './extract/state-changes.ts';
import { tokenMetadata, withMetadata } from './extract/token-metadata.ts';
import { traceEntries } from './extract/trace-entries.ts';
import { extractTransfers } from './extract/transfers.ts';
import { buildReport, riskLevelOf } from './report.ts';
import { parseTransactionRequest, parseTypedDataRequest } from './request.ts';
import { evaluateRules, RULES } from './rules/index.ts';
import { analyzeTypedDataMessage } from './typed-data/index.ts';
import {
  type Address,
  type AddressLists,
  type AnalysisContext,
  type Approval,
  type Asset,
  type CallFrame,
  type Counterparty,
  type DecodedCall,
  EMPTY_LISTS,
  type IntentResult,
  type PriceTable,
  type Rule,
  type SecondOpinion,
  type SimulationSummary,
  type StateChange,
  type TransactionRequest,
  type Transfer,
  type TypedDataRequest,
  type VaultContext,
} from './types.ts';

export interface AnalyzeOptions {
  /** Primary simulation engine; absent → the report is 'unavailable' (fail closed). */
  engine?: SimulationEngine;
  /** A second engine run at the same block; a disagreement becomes a finding. */
  secondOpinion?: SimulationEngine;
  /** Vault facts: known counterparties (first-interaction checks) and balances. */
  vault?: Partial<Omit<VaultContext, 'address'>>;
  /** Address book / allowlist / blocklist, or a function returning the current snapshot. */
  lists?: AddressLists | (() => AddressLists);
  /** USD prices per whole token ('native' or lowercase token address). */
  prices?: PriceTable;
  /** Rule catalogue (default: RULES). */
  rules?: readonly Rule[];
  registry?: AbiRegistry;
  /** Simulation budget in ms (default: the engine's). */
  timeoutMs?: number;
  /** Simulate at this block instead of the head. */
  blockNumber?: bigint;
  /** Counts every analysed request (simulated or not). */
  coverage?: SimulationCoverage;
  /** Unix seconds for deadline checks when there is no simulated block (default: the clock). */
  now?: number;
}

/** Simulation budget when neither the caller nor the engine says otherwise. */
const DEFAULT_TIMEOUT_MS = 30_000;

/** At most this many trace frames get a full argument decoding (the rest show a selector name). */
const MAX_DECODED_FRAMES = 64;

function listsOf(options: AnalyzeOptions): AddressLists {
  const l = options.lists;
  return typeof l === 'function' ? l() : (l ?? EMPTY_LISTS);
}

function vaultOf(address: Address, options: AnalyzeOptions): VaultContext {
  return {
    address,
    knownCounterparties: options.vault?.knownCounterparties ?? new Set(),
    ...(options.vault?.balances ? { balances: options.vault.balances } : {}),
  };
}

/** Analyses an EVM transaction: simulate, decode, extract, judge, report. */
export async function analyzeTransaction(
  input: TransactionRequest | unknown,
  options: AnalyzeOptions = {},
): Promise<IntentResult> {
  const request = parseTransactionRequest(input);
  const registry = options.registry ?? defaultRegistry();
  const decoded = decodeCall({
    chainId: request.chainId,
    to: request.to,
    value: request.value,
    data: request.data,
    registry,
  });

  let sim: RawSimulation | undefined;
  let summary: SimulationSummary;
  const engineName = options.engine?.name ?? 'none';
  if (!options.engine) {
    summary = unavailable(engineName, 'NO_ENGINE', 'no simulation engine is configured');
  } else {
    try {
      // The engine enforces its own deadline; this one also covers engines that do not.
      const budget = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      sim = await withDeadline(
        options.engine.simulate(
          simulationInput(request, options.blockNumber),
          options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {},
        ),
        budget + 1000,
        `${options.engine.name} simulation`,
      );
      summary = {
        status: sim.status,
        engine: sim.engine,
        block: sim.block,
        gasUsed: sim.gasUsed.toString(),
        ...(sim.revertReason !== undefined ? { revertReason: sim.revertReason } : {}),
        trace: decodeFrames(sim.trace, decoded, request.chainId, registry),
        logs: sim.logs,
        storageChanges: sim.storageChanges,
        codeChanges: sim.codeChanges,
      };
    } catch (error) {
      summary = unavailable(
        engineName,
        errorCode(error),
        error instanceof Error ? error.message : String(error),
      );
    }
  }
  if (sim && options.secondOpinion)
    summary.secondOpinion = await secondOpinion(options.secondOpinion, request, sim, options);

  const vault = vaultOf(request.from, options);
  const lists = listsOf(options);
  let facts: Facts = { transfers: [], approvals: [], stateChanges: [], counterparties: [] };
  if (sim) {
    try {
      facts = await extractFacts(sim, summary.trace, decoded, request, vault, lists);
    } catch (error) {
      // Chain reads after the simulation failed (RPC gone mid-way): partial facts could mislead,
      // so the whole request counts as not simulated (fail closed).
      const message = error instanceof Error ? error.message : String(error);
      summary = unavailable(
        sim.engine,
        errorCode(error),
        `reading chain state for the report failed: ${message}`,
      );
      sim = undefined;
    }
  }
  if (!sim) {
    // Not simulated: the calldata is the only statement of intent we have.
    facts = { ...facts, approvals: approvalsFromCalldata(decoded, request.from) };
  }
  const { transfers, approvals, stateChanges, counterparties } = facts;
  const assetChanges = netAssetChanges(transfers, options.prices);
  const ctx: AnalysisContext = {
    chainId: request.chainId,
    vault,
    request,
    simulation: summary,
    decoded,
    transfers,
    assetChanges,
    approvals,
    stateChanges,
    counterparties,
    lists,
    ...(options.prices ? { prices: options.prices } : {}),
    now: summary.block ? Number(summary.block.timestamp) : (options.now ?? Math.floor(Date.now() / 1000)),
  };
  const findings = evaluateRules(ctx, options.rules ?? RULES);
  const result = buildReport({
    kind: 'transaction',
    chainId: request.chainId,
    request,
    simulated: summary.status === 'ok' || summary.status === 'reverted',
    simulation: {
      status: summary.status,
      engine: summary.engine,
      ...(summary.block ? { block: summary.block } : {}),
      ...(summary.gasUsed !== undefined ? { gasUsed: summary.gasUsed } : {}),
      ...(summary.revertReason !== undefined ? { revertReason: summary.revertReason } : {}),
      ...(summary.error ? { error: summary.error } : {}),
      ...(summary.secondOpinion ? { secondOpinion: summary.secondOpinion } : {}),
    },
    decoded,
    assetChanges,
    approvals,
    stateChanges,
    trace: traceEntries(summary.trace, registry),
    counterparties,
    findings,
    riskLevel: riskLevelOf(summary.status, findings),
  });
  options.coverage?.record(result.report);
  return result;
}

export interface AnalyzeTypedDataOptions
  extends Omit<AnalyzeOptions, 'engine' | 'secondOpinion' | 'blockNumber'> {
  /** Chain reads (code of the spender/verifying contract, token metadata) when available. */
  reader?: StateReader;
}

/** Analyses an EIP-712 signature request statically (nothing to execute) and reports it. */
export async function analyzeTypedData(
  input: TypedDataRequest | unknown,
  options: AnalyzeTypedDataOptions = {},
): Promise<IntentResult> {
  const request = parseTypedDataRequest(input);
  const analysis = analyzeTypedDataMessage(request);
  const vault = vaultOf(request.signer, options);
  const lists = listsOf(options);
  let approvals = [...analysis.approvals];
  if (options.reader && approvals.length > 0) {
    try {
      const meta = await tokenMetadata(options.reader, [...new Set(approvals.map((a) => a.token))]);
      approvals = approvals.map((a) => ({
        ...a,
        asset: withMetadata(a.asset ?? { kind: 'erc20', address: a.token }, meta.get(a.token)),
      }));
    } catch {
      // metadata is a convenience; the approval stands without it
    }
  }
  let counterparties: AnalysisContext['counterparties'] = [];
  if (options.reader) {
    try {
      counterparties = await extractCounterparties({
        vault,
        lists,
        reader: options.reader,
        trace: [],
        transfers: [],
        approvals,
        stateChanges: [],
        extra: analysis.counterparties,
      });
    } catch {
      counterparties = [];
    }
  }
  const summary: SimulationSummary = {
    status: 'not-applicable',
    engine: 'none',
    trace: [],
    logs: [],
    storageChanges: [],
    codeChanges: [],
  };
  const assetChanges = [...analysis.assetChanges];
  const ctx: AnalysisContext = {
    chainId: request.chainId,
    vault,
    request,
    simulation: summary,
    typedData: analysis,
    transfers: [],
    assetChanges,
    approvals,
    stateChanges: [],
    counterparties,
    lists,
    ...(options.prices ? { prices: options.prices } : {}),
    now: options.now ?? Math.floor(Date.now() / 1000),
  };
  const findings = evaluateRules(ctx, options.rules ?? RULES);
  const result = buildReport({
    kind: 'typed-data',
    chainId: request.chainId,
    request,
    simulated: false,
    simulation: { status: 'not-applicable', engine: 'none' },
    typedData: analysis,
    assetChanges,
    approvals,
    stateChanges: [],
    trace: [],
    counterparties,
    findings,
    riskLevel: riskLevelOf('not-applicable', findings),
  });
  options.coverage?.record(result.report);
  return result;
}

interface Facts {
  transfers: Transfer[];
  approvals: Approval[];
  stateChanges: StateChange[];
  counterparties: Counterparty[];
}

/** Transfers, approvals, state changes and counterparties of a simulation (chain reads at its block). */
async function extractFacts(
  sim: RawSimulation,
  trace: readonly CallFrame[],
  decoded: DecodedCall,
  request: TransactionRequest,
  vault: VaultContext,
  lists: AddressLists,
): Promise<Facts> {
  let transfers: Transfer[] = [];
  let approvals: Approval[] = [];
  let stateChanges: StateChange[] = [];
  if (sim.status === 'ok') {
    const raw = extractTransfers(sim);
    approvals = extractApprovals(sim);
    const tokens = [
      ...new Set([
        ...raw.flatMap((t) => (t.asset.address ? [t.asset.address] : [])),
        ...approvals.map((a) => a.token),
      ]),
    ];
    const [meta, changes] = await Promise.all([
      tokens.length > 0 ? tokenMetadata(sim.reader, tokens) : Promise.resolve(new Map()),
      sim.storageChanges.length > 0 || sim.codeChanges.length > 0 || request.authorizationList
        ? extractStateChanges({
            sim,
            reader: sim.reader,
            candidates: candidateAddresses(sim.trace, decoded, request),
            ...(request.authorizationList
              ? { authorizations: request.authorizationList, authority: request.from }
              : {}),
          })
        : Promise.resolve([]),
    ]);
    transfers = raw.map((t) => ({
      ...t,
      asset: withMetadata(t.asset, meta.get(t.asset.address as Address)),
    }));
    approvals = approvals.map((a) => ({
      ...a,
      asset: withMetadata(a.asset ?? ({ kind: 'erc20', address: a.token } as Asset), meta.get(a.token)),
    }));
    stateChanges = changes;
  }
  const counterparties = await extractCounterparties({
    vault,
    lists,
    reader: sim.reader,
    ...(request.to ? { to: request.to } : {}),
    trace,
    transfers,
    approvals,
    stateChanges,
  });
  return { transfers, approvals, stateChanges, counterparties };
}

function unavailable(engine: string, code: string, message: string): SimulationSummary {
  return {
    status: 'unavailable',
    engine,
    error: { code, message },
    trace: [],
    logs: [],
    storageChanges: [],
    codeChanges: [],
  };
}

/** Decodes trace frames (arguments) — the top frame reuses the request's decoding. */
function decodeFrames(
  trace: CallFrame[],
  top: DecodedCall,
  chainId: number,
  registry: AbiRegistry,
): CallFrame[] {
  let budget = MAX_DECODED_FRAMES;
  return trace.map((f) => {
    if (f.depth === 0) return { ...f, decoded: top };
    if (
      f.type === 'STATICCALL' ||
      f.type === 'CREATE' ||
      f.type === 'CREATE2' ||
      f.input.length < 10 ||
      budget <= 0
    )
      return f;
    budget--;
    const decoded = decodeCall({
      chainId,
      to: f.to,
      value: f.value,
      data: f.input,
      operation: f.type === 'DELEGATECALL' || f.type === 'CALLCODE' ? 'delegatecall' : 'call',
      registry,
    });
    return decoded.source === 'none' ? f : { ...f, decoded };
  });
}

/** Addresses that may be keys of Safe owner/module mappings: everything the request mentions. */
function candidateAddresses(
  trace: readonly CallFrame[],
  decoded: DecodedCall,
  request: TransactionRequest,
): Address[] {
  const out = new Set<Address>([request.from]);
  if (request.to) out.add(request.to);
  for (const f of trace) {
    out.add(f.from);
    out.add(f.to);
  }
  const visitValue = (v: unknown) => {
    if (typeof v === 'string' && /^0x[0-9a-f]{40}$/.test(v)) out.add(v as Address);
    else if (Array.isArray(v)) v.forEach(visitValue);
    else if (v && typeof v === 'object') Object.values(v).forEach(visitValue);
  };
  const visit = (c: DecodedCall) => {
    for (const a of c.args ?? []) visitValue(a.value);
    for (const i of c.inner ?? []) visit(i);
  };
  visit(decoded);
  for (const f of trace) if (f.decoded) visit(f.decoded);
  return [...out];
}

/** What the engines simulate for `request`, at `blockNumber` (omitted: the engine's head). */
function simulationInput(request: TransactionRequest, blockNumber: bigint | undefined): SimulationInput {
  return {
    chainId: request.chainId,
    from: request.from,
    ...(request.to ? { to: request.to } : {}),
    value: BigInt(request.value),
    data: request.data,
    ...(request.gas ? { gas: BigInt(request.gas) } : {}),
    ...(blockNumber !== undefined ? { blockNumber } : {}),
  };
}

/** Runs the second engine at the primary's block and compares outcome and token/ETH movements. */
async function secondOpinion(
  engine: SimulationEngine,
  request: TransactionRequest,
  primary: RawSimulation,
  options: AnalyzeOptions,
): Promise<SecondOpinion> {
  try {
    const other = await engine.simulate(
      simulationInput(request, BigInt(primary.block.number)),
      options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {},
    );
    const differences: string[] = [];
    if (other.status !== primary.status) differences.push(`status ${primary.status} vs ${other.status}`);
    if (other.block.hash !== primary.block.hash)
      differences.push(`block hash ${primary.block.hash} vs ${other.block.hash}`);
    if (other.status === 'ok' && primary.status === 'ok') {
      const a = movementKey(primary);
      const b = movementKey(other);
      if (a !== b) differences.push('asset movements differ');
    }
    return {
      engine: other.engine,
      status: other.status,
      gasUsed: other.gasUsed.toString(),
      agrees: differences.length === 0,
      ...(differences.length > 0 ? { detail: differences.join('; ') } : {}),
    };
  } catch (error) {
    return {
      engine: engine.name,
      status: 'unavailable',
      agrees: false,
      detail: `second opinion unavailable: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

function movementKey(sim: RawSimulation): string {
  return extractTransfers(sim)
    .map(
      (t) =>
        `${t.asset.kind}:${t.asset.address ?? ''}:${t.asset.tokenId ?? ''}:${t.from}:${t.to}:${t.amount}`,
    )
    .sort()
    .join('|');
}
