// Step "check-intent" (ARCHITECTURE §3 "re-simulate or verify attested intent"; issue 5): the
// intent report the coordinator relays is checked by every node, which then settles on its OWN
// intent facts for the policy step.
//
//  1. The claim is well-formed: { facts, digest, report } (report and digest null when the
//     coordinator could not analyse the request; then the facts must say `unavailable`).
//  2. The report's digest is recomputed (digestOf('cairn/intent-report/v1', report)).
//  3. The report describes exactly this request: chain id; for a transaction from = the vault's
//     address, to, value and calldata; for typed data signer = the vault's address and the same
//     EIP-712 hash as the payload this node recomputed.
//  4. The claimed facts are the report's facts (toIntentFacts).
//  5. Own facts:
//     - typed data is re-analysed here (static, no RPC needed);
//     - a transaction on a chain this node has an RPC for is re-simulated at the report's block
//       (which must be a real block of the chain, at most `maxBlockLag` behind the node's head);
//       an own simulation that is unavailable while the report says simulated is INTENT_UNAVAILABLE
//       (fail closed: this node cannot vouch for what it could not see);
//     - otherwise the verified report's facts are used (attested intent).
//     Own risk level or finding ids that differ from the attested ones: INTENT_MISMATCH.
//  A job without intent gets `unavailable` facts: the policy then blocks unless a rule explicitly
//  grants the fallback (docs/policy.md §3 rule 3). A node without a policy refuses it itself.
import { canonicalize } from '@cairn/canonical';
import {
  type AddressLists,
  analyzeTransaction,
  analyzeTypedData,
  ForkEngine,
  type IntentReport,
  JsonRpcClient,
  reportDigest,
  type SimulationEngine,
  toIntentFacts,
} from '@cairn/intent';
import type { IntentFacts } from '@cairn/policy';
import { hashTypedData } from 'viem';
import { z } from 'zod';
import { bytesToHex } from '../statements/encoding.ts';
import {
  OK,
  type PipelineStep,
  type RefusalCode,
  refuse,
  type SignJobContext,
  type StepResult,
} from './step.ts';

/** What the intent step settles on, for the policy step and the audit entry. */
export interface VerifiedIntent {
  /** The facts the policy is evaluated with: this node's own. */
  facts: IntentFacts;
  /** How the node got them. */
  source: 'resimulated' | 'reanalysed' | 'attested' | 'absent';
  /** Digest of the verified report (0x-hex), null when there was none. */
  reportDigest: string | null;
}

/** A sign-job context the wiring steps add their findings to. */
export interface WiredSignJobContext extends SignJobContext {
  intent?: VerifiedIntent;
}

/** A step that may need to wait (a simulation). */
export type AsyncPipelineStep = PipelineStep;

/** The node's own view of a chain: a simulation engine and two block reads for the report's block. */
export interface ChainView {
  readonly engine: SimulationEngine;
  /** The chain head as this node's RPC sees it. */
  headBlock(): Promise<bigint>;
  /** Hash (0x-hex, any case) of block `n`, null when the RPC does not know it. */
  blockHash(n: bigint): Promise<string | null>;
}

export interface CheckIntentParameters {
  /** The chains this node can simulate on by itself (undefined: verify attested intent only). */
  chains?: (chainId: number) => ChainView | undefined;
  /** Address book / allowlist / blocklist for the risk rules: must be the coordinator's. */
  lists?: () => AddressLists;
  /** Budget of one simulation in ms (default 10 s). */
  timeoutMs?: number;
  /** How far the report's block may lag this node's head (default 64 blocks). */
  maxBlockLag?: number;
  /** True when a policy step follows and decides about unavailable intent; else this step refuses it. */
  policyDecidesUnavailable: boolean;
}

export const UNAVAILABLE_FACTS: IntentFacts = { status: 'unavailable', riskLevel: 'unknown', findingIds: [] };

const riskLevel = z.enum(['none', 'low', 'medium', 'high', 'critical', 'unknown']);
const factsSchema = z.strictObject({
  status: z.enum(['simulated', 'unavailable']),
  riskLevel,
  findingIds: z.array(z.string().min(1).max(200)).max(1000),
});
const claimSchema = z.strictObject({
  facts: factsSchema,
  digest: z
    .string()
    .regex(/^0x[0-9a-f]{64}$/)
    .nullable(),
  report: z.record(z.string(), z.unknown()).nullable(),
});
/** The parts of a report this step reads (the digest covers all of it). */
const reportShape = z.looseObject({
  version: z.literal(1),
  kind: z.enum(['transaction', 'typed-data']),
  chainId: z.number().int().positive(),
  request: z.looseObject({}),
  simulated: z.boolean(),
  simulation: z.looseObject({
    status: z.enum(['ok', 'reverted', 'unavailable', 'not-applicable']),
    block: z
      .looseObject({
        number: z.string().regex(/^[0-9]{1,20}$/),
        hash: z.string().regex(/^0x[0-9a-fA-F]{64}$/),
      })
      .optional(),
  }),
  findings: z.array(z.looseObject({ ruleId: z.string() })),
  riskLevel,
});
const txRequestShape = z.looseObject({
  kind: z.literal('transaction'),
  chainId: z.number(),
  from: z.string(),
  to: z.string().optional(),
  value: z.string(),
  data: z.string(),
});
const typedRequestShape = z.looseObject({
  kind: z.literal('typed-data'),
  chainId: z.number(),
  signer: z.string(),
  typedData: z.looseObject({}),
});

function sameFacts(a: IntentFacts, b: IntentFacts): boolean {
  return canonicalize(normalized(a)) === canonicalize(normalized(b));
}

function normalized(f: IntentFacts): IntentFacts {
  return { status: f.status, riskLevel: f.riskLevel, findingIds: [...new Set(f.findingIds)].sort() };
}

function describe(f: IntentFacts): string {
  return `${f.status}/${f.riskLevel} [${normalized(f).findingIds.join(', ')}]`;
}

const lower = (s: string | undefined) => s?.toLowerCase();

/** Why `report` does not describe this request, or null when it does exactly. */
export function reportBindingProblem(report: IntentReport, ctx: SignJobContext): string | null {
  const body = ctx.body;
  const vaultAddress = lower(ctx.vault?.address);
  if (!vaultAddress) return `vault ${body.vaultId} has no EVM address`;
  if (report.chainId !== body.chainId || report.request.chainId !== body.chainId)
    return `the report is for chain ${report.chainId}, the request for ${body.chainId}`;
  if (body.kind === 'evm.transaction') {
    const r = txRequestShape.safeParse(report.request);
    if (report.kind !== 'transaction' || !r.success) return 'the report is not about a transaction';
    const tx = body.transaction!;
    if (lower(r.data.from) !== vaultAddress)
      return `the report simulates a transaction from ${r.data.from}, not from the vault ${vaultAddress}`;
    if (lower(r.data.to) !== lower(tx.to)) return `the report's destination ${r.data.to} is not ${tx.to}`;
    let sameValue = false;
    try {
      sameValue = BigInt(r.data.value) === BigInt(tx.value);
    } catch {
      sameValue = false;
    }
    if (!sameValue) return `the report's value ${r.data.value} is not ${tx.value}`;
    if (lower(r.data.data) !== lower(tx.data)) return "the report's calldata differs from the request's";
    return null;
  }
  if (body.kind === 'evm.typed-data') {
    const r = typedRequestShape.safeParse(report.request);
    if (report.kind !== 'typed-data' || !r.success) return 'the report is not about typed data';
    if (lower(r.data.signer) !== vaultAddress)
      return `the report's signer ${r.data.signer} is not the vault ${vaultAddress}`;
    let hash: string;
    try {
      hash = hashTypedData(r.data.typedData as Parameters<typeof hashTypedData>[0]).toLowerCase();
    } catch {
      return "the report's typed data cannot be hashed";
    }
    if (!ctx.payload || hash !== bytesToHex(ctx.payload))
      return "the report's typed data is not the typed data of the request";
    return null;
  }
  return `${body.kind} requests have no intent report`;
}

/** Builds the intent step. Never throws: anything unexpected is a refusal (fail closed). */
export function checkIntent(p: CheckIntentParameters): AsyncPipelineStep {
  const maxLag = BigInt(p.maxBlockLag ?? 64);
  const timeoutMs = p.timeoutMs ?? 10_000;

  const settle = (ctx: SignJobContext, intent: VerifiedIntent): StepResult => {
    if (intent.facts.status === 'unavailable' && !p.policyDecidesUnavailable) {
      return refuse(
        'INTENT_UNAVAILABLE',
        'the request could not be simulated and this node has no policy that grants a fallback (fail closed)',
      );
    }
    (ctx as WiredSignJobContext).intent = intent;
    return OK;
  };

  const run = async (ctx: SignJobContext): Promise<StepResult> => {
    const claimed = ctx.job.intent;
    if (claimed === undefined)
      return settle(ctx, { facts: UNAVAILABLE_FACTS, source: 'absent', reportDigest: null });
    const claim = claimSchema.safeParse(claimed);
    if (!claim.success) {
      const issue = claim.error.issues[0];
      return refuse(
        'INTENT_MALFORMED',
        `the job's intent is malformed at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
      );
    }
    const { facts, digest, report: rawReport } = claim.data;
    if (rawReport === null || digest === null) {
      if (rawReport !== null || digest !== null)
        return refuse(
          'INTENT_MALFORMED',
          'the job carries an intent report without its digest (or the reverse)',
        );
      if (facts.status !== 'unavailable')
        return refuse('INTENT_REPORT_MISSING', `the job claims ${describe(facts)} intent without a report`);
      return settle(ctx, { facts: UNAVAILABLE_FACTS, source: 'absent', reportDigest: null });
    }
    let recomputed: string;
    try {
      recomputed = reportDigest(rawReport as unknown as IntentReport);
    } catch {
      return refuse('INTENT_MALFORMED', 'the intent report is not canonical JSON');
    }
    if (recomputed !== digest)
      return refuse(
        'INTENT_DIGEST_MISMATCH',
        `the intent report's digest is ${recomputed}, the job claims ${digest}`,
      );
    const shape = reportShape.safeParse(rawReport);
    if (!shape.success) return refuse('INTENT_MALFORMED', 'the intent report is not a version 1 report');
    const report = rawReport as unknown as IntentReport;
    const binding = reportBindingProblem(report, ctx);
    if (binding)
      return refuse(
        'INTENT_REQUEST_MISMATCH',
        `the intent report does not describe this request: ${binding}`,
      );
    const reportFacts = toIntentFacts(report);
    if (!sameFacts(reportFacts, facts)) {
      return refuse(
        'INTENT_FACTS_MISMATCH',
        `the job claims ${describe(facts)} but its report says ${describe(reportFacts)}`,
      );
    }
    const body = ctx.body;
    let own: IntentFacts;
    let source: VerifiedIntent['source'];
    if (body.kind === 'evm.typed-data') {
      const result = await analyzeTypedData(
        { kind: 'typed-data', chainId: body.chainId, signer: ctx.vault!.address!, typedData: body.typedData },
        { ...(p.lists ? { lists: p.lists } : {}), now: ctx.now },
      );
      own = toIntentFacts(result.report);
      source = 'reanalysed';
    } else {
      const view = p.chains?.(body.chainId);
      if (body.derivationPath.length > 0) {
        // A derived key signs from an address the report's `from` cannot be checked against:
        // like the coordinator, nobody simulates it, so only `unavailable` facts are consistent.
        own = UNAVAILABLE_FACTS;
        source = 'absent';
      } else if (!view) {
        own = reportFacts;
        source = 'attested';
      } else {
        const simulated = await resimulate(ctx, view, report, maxLag, timeoutMs, p.lists);
        if (!simulated.ok) return simulated.result;
        own = simulated.facts;
        source = 'resimulated';
        if (own.status === 'unavailable' && reportFacts.status === 'simulated') {
          return refuse(
            'INTENT_UNAVAILABLE',
            `this node could not simulate the transaction (${simulated.error ?? 'unavailable'}) and cannot confirm the relayed simulation (fail closed)`,
          );
        }
      }
    }
    if (!sameFacts(own, reportFacts)) {
      return refuse(
        'INTENT_MISMATCH',
        `this node's own analysis gives ${describe(own)}, the relayed report ${describe(reportFacts)}`,
      );
    }
    return settle(ctx, { facts: normalized(own), source, reportDigest: digest });
  };

  return {
    name: 'check-intent',
    run: async (ctx) => {
      try {
        return await run(ctx);
      } catch (error) {
        const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
        return refuse('INTENT_CHECK_FAILED', `intent verification failed: ${message.slice(0, 300)}`);
      }
    },
  };
}

type Resimulated = { ok: true; facts: IntentFacts; error: string | null } | { ok: false; result: StepResult };

async function resimulate(
  ctx: SignJobContext,
  view: ChainView,
  report: IntentReport,
  maxLag: bigint,
  timeoutMs: number,
  lists: (() => AddressLists) | undefined,
): Promise<Resimulated> {
  const fail = (code: RefusalCode, message: string): Resimulated => ({
    ok: false,
    result: refuse(code, message),
  });
  const block = report.simulation.block;
  let blockNumber: bigint | undefined;
  if (block) {
    blockNumber = BigInt(block.number);
    let head: bigint;
    let hash: string | null;
    try {
      head = await view.headBlock();
      hash = await view.blockHash(blockNumber);
    } catch (error) {
      return fail(
        'INTENT_UNAVAILABLE',
        `this node's RPC cannot check block ${block.number}: ${(error as Error).message}`,
      );
    }
    if (hash === null || hash.toLowerCase() !== block.hash.toLowerCase())
      return fail(
        'INTENT_UNKNOWN_BLOCK',
        `block ${block.number} ${block.hash} is not a block of this node's chain`,
      );
    if (head - blockNumber > maxLag)
      return fail(
        'INTENT_STALE_SIMULATION',
        `the report was simulated at block ${block.number}, ${head - blockNumber} blocks behind this node's head ${head}`,
      );
  }
  const tx = ctx.body.transaction!;
  const result = await analyzeTransaction(
    {
      kind: 'transaction',
      chainId: ctx.body.chainId,
      from: ctx.vault!.address!,
      to: tx.to,
      value: tx.value,
      data: tx.data,
      gas: tx.gas,
    },
    {
      engine: view.engine,
      timeoutMs,
      now: ctx.now,
      ...(blockNumber !== undefined ? { blockNumber } : {}),
      ...(lists ? { lists } : {}),
    },
  );
  return {
    ok: true,
    facts: toIntentFacts(result.report),
    error: result.report.simulation.error ? `${result.report.simulation.error.code}` : null,
  };
}

/**
 * The node's own view of a chain over its own RPC: a forked-anvil engine (as the coordinator's)
 * and the block reads. Created lazily; `close()` stops the engine's anvil.
 */
export function rpcChainView(p: { chainId: number; rpcUrl: string; timeoutMs?: number }): ChainView & {
  close(): Promise<void>;
} {
  const timeoutMs = p.timeoutMs ?? 10_000;
  const engine = new ForkEngine({ upstreamUrl: p.rpcUrl, chainId: p.chainId, timeoutMs });
  const rpc = new JsonRpcClient(p.rpcUrl, timeoutMs);
  return {
    engine,
    headBlock: async () => BigInt(await rpc.request<string>('eth_blockNumber')),
    blockHash: async (n) => {
      const block = await rpc.request<{ hash?: string } | null>('eth_getBlockByNumber', [
        `0x${n.toString(16)}`,
        false,
      ]);
      return typeof block?.hash === 'string' ? block.hash : null;
    },
    close: () => engine.close(),
  };
}
