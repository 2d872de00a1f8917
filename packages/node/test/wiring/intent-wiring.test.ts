// Issue 5 on the signer node: the relayed intent report is checked (digest, binding to exactly
// this request, facts), typed data is re-analysed, transactions are re-simulated where the node
// has its own RPC (at the report's block, which must be real and recent), and anything the node
// cannot confirm is refused (fail closed). The step never throws.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evmSigningPayload } from '@cairn/chains';
import {
  analyzeTransaction,
  analyzeTypedData,
  IntentError,
  type IntentReport,
  type RawSimulation,
  reportDigest,
  type SimulationEngine,
  toIntentFacts,
} from '@cairn/intent';
import {
  type ChainView,
  checkIntent,
  randomSigningKey,
  type SignJobContext,
  type SignRequestBody,
  signRequestDigest,
  signSignRequest,
  type VaultRecord,
  type WiredSignJobContext,
} from '@cairn/node';
import { encodeFunctionData, parseAbi } from 'viem';
import { hex, transferBody } from '../helpers/fixtures.ts';

const VAULT = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';
const TOKEN = '0x5fbdb2315678afecb367f032d93f642f64180aa3';
const SPENDER = '0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc';
const BLOCK = { number: '10', hash: `0x${'ab'.repeat(32)}` as const, timestamp: '1700000000' };
const approveData = encodeFunctionData({
  abi: parseAbi(['function approve(address,uint256)']),
  functionName: 'approve',
  args: [SPENDER, 2n ** 256n - 1n],
});
const initiator = randomSigningKey();
const vault: VaultRecord = {
  vaultId: 'treasury',
  name: 'treasury',
  scheme: 'dkls23-secp256k1',
  keyId: 'k',
  version: 1,
  threshold: 2,
  parties: [1, 2, 3],
  initiators: [],
  publicKey: '0x02',
  address: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
  createdAt: new Date(0).toISOString(),
};

const reader: RawSimulation['reader'] = {
  scope: 'stub',
  calls: async (requests) => requests.map(() => undefined),
  codes: async (addresses) => addresses.map(() => '0x'),
};
function stubEngine(status: 'ok' | 'reverted' | 'down', seen: bigint[] = []): SimulationEngine {
  return {
    name: 'stub',
    close: async () => {},
    simulate: async (input) => {
      if (input.blockNumber !== undefined) seen.push(input.blockNumber);
      if (status === 'down') throw new IntentError('RPC_UNAVAILABLE', 'down');
      return {
        engine: 'stub',
        status,
        block: BLOCK,
        gasUsed: 46000n,
        returnData: '0x',
        ...(status === 'reverted' ? { revertReason: 'nope' } : {}),
        trace: [
          {
            path: '0',
            depth: 0,
            type: 'CALL',
            from: VAULT,
            to: TOKEN,
            value: '0',
            input: approveData,
            output: '0x',
            gasUsed: '46000',
          },
        ],
        logs: [],
        storageChanges: [],
        codeChanges: [],
        complete: true,
        reader,
      };
    },
  };
}
const view = (engine: SimulationEngine, head = 12n, hash: string | null = BLOCK.hash): ChainView => ({
  engine,
  headBlock: async () => head,
  blockHash: async () => hash,
});

function approveBody(to = TOKEN): SignRequestBody {
  const base = transferBody('treasury', { chainId: 1 });
  return { ...base, transaction: { ...base.transaction!, chainId: 1, to, value: '0', data: approveData } };
}

function contextOf(body: SignRequestBody, intent: unknown): SignJobContext {
  const request = signSignRequest(body, initiator);
  return {
    job: { sessionId: hex(32), signers: [1, 2], request, ...(intent === undefined ? {} : { intent }) },
    request,
    body,
    digest: signRequestDigest(body),
    now: Math.floor(Date.now() / 1000),
    self: { nodeId: 'node-1', partyId: 1 },
    committeeParties: new Set([1, 2, 3]),
    vault,
    limits: { maxLifetimeSeconds: 3600, clockSkewSeconds: 60 },
    payload: evmSigningPayload(body),
  };
}

/** What the coordinator's intent service attaches. */
async function coordinatorIntent(body: SignRequestBody, engine = stubEngine('ok')) {
  const tx = body.transaction!;
  const { report, digest } = await analyzeTransaction(
    {
      kind: 'transaction',
      chainId: body.chainId,
      from: VAULT,
      to: tx.to,
      value: tx.value,
      data: tx.data,
      gas: tx.gas,
    },
    { engine, now: Math.floor(Date.now() / 1000) },
  );
  return { facts: toIntentFacts(report), digest, report };
}

const withDigest = (report: IntentReport) => ({
  facts: toIntentFacts(report),
  digest: reportDigest(report),
  report,
});

async function run(step: ReturnType<typeof checkIntent>, ctx: SignJobContext) {
  const result = await step.run(ctx);
  return { result, intent: (ctx as WiredSignJobContext).intent };
}

const refusedWith = (
  r: { result: Awaited<ReturnType<ReturnType<typeof checkIntent>['run']>> },
  code: string,
) => {
  assert.equal(r.result.ok, false);
  if (!r.result.ok) assert.equal(r.result.refusal.code, code, r.result.refusal.message);
};

describe('check-intent', () => {
  const attestedOnly = checkIntent({ policyDecidesUnavailable: true });

  it('verifies an attested report and takes its facts when it cannot simulate itself', async () => {
    const body = approveBody();
    const claim = await coordinatorIntent(body);
    assert.equal(claim.facts.status, 'simulated');
    const r = await run(attestedOnly, contextOf(body, claim));
    assert.equal(r.result.ok, true);
    assert.equal(r.intent?.source, 'attested');
    assert.deepEqual(r.intent?.facts, claim.facts);
    assert.equal(r.intent?.reportDigest, claim.digest);
  });

  it('refuses a tampered report, a report about another request, and facts the report does not say', async () => {
    const body = approveBody();
    const claim = await coordinatorIntent(body);
    const tampered = { ...claim, report: { ...claim.report, summary: 'You are about to do nothing risky.' } };
    refusedWith(await run(attestedOnly, contextOf(body, tampered)), 'INTENT_DIGEST_MISMATCH');
    const elsewhere = await coordinatorIntent(approveBody(SPENDER));
    refusedWith(await run(attestedOnly, contextOf(body, elsewhere)), 'INTENT_REQUEST_MISMATCH');
    const rosy = {
      ...claim,
      facts: { ...claim.facts, riskLevel: claim.facts.riskLevel === 'none' ? 'low' : 'none' },
    };
    refusedWith(await run(attestedOnly, contextOf(body, rosy)), 'INTENT_FACTS_MISMATCH');
    const noReport = { facts: claim.facts, digest: null, report: null };
    refusedWith(await run(attestedOnly, contextOf(body, noReport)), 'INTENT_REPORT_MISSING');
    refusedWith(await run(attestedOnly, contextOf(body, { facts: claim.facts })), 'INTENT_MALFORMED');
  });

  it('re-simulates at the report block and refuses when its own result differs', async () => {
    const body = approveBody();
    const claim = await coordinatorIntent(body);
    const seen: bigint[] = [];
    const same = checkIntent({ policyDecidesUnavailable: true, chains: () => view(stubEngine('ok', seen)) });
    const ok = await run(same, contextOf(body, claim));
    assert.equal(ok.result.ok, true);
    assert.equal(ok.intent?.source, 'resimulated');
    assert.deepEqual(seen, [10n]);
    // The chain says the transaction reverts: the relayed "ok" simulation is a lie.
    const reverted = checkIntent({
      policyDecidesUnavailable: true,
      chains: () => view(stubEngine('reverted')),
    });
    const r = await run(reverted, contextOf(body, claim));
    refusedWith(r, 'INTENT_MISMATCH');
    assert.match(r.result.ok ? '' : r.result.refusal.message, /own analysis gives/);
  });

  it('fails closed when it cannot confirm the relayed simulation', async () => {
    const body = approveBody();
    const claim = await coordinatorIntent(body);
    const down = checkIntent({ policyDecidesUnavailable: true, chains: () => view(stubEngine('down')) });
    refusedWith(await run(down, contextOf(body, claim)), 'INTENT_UNAVAILABLE');
    const forked = checkIntent({
      policyDecidesUnavailable: true,
      chains: () => view(stubEngine('ok'), 12n, `0x${'cd'.repeat(32)}`),
    });
    refusedWith(await run(forked, contextOf(body, claim)), 'INTENT_UNKNOWN_BLOCK');
    const stale = checkIntent({
      policyDecidesUnavailable: true,
      chains: () => view(stubEngine('ok'), 1000n),
    });
    refusedWith(await run(stale, contextOf(body, claim)), 'INTENT_STALE_SIMULATION');
    const broken = checkIntent({
      policyDecidesUnavailable: true,
      chains: () => {
        throw new Error('boom');
      },
    });
    refusedWith(await run(broken, contextOf(body, claim)), 'INTENT_CHECK_FAILED');
  });

  it('lets the policy decide about missing intent, and refuses it without a policy', async () => {
    const body = approveBody();
    const r = await run(attestedOnly, contextOf(body, undefined));
    assert.equal(r.result.ok, true);
    assert.deepEqual(r.intent?.facts, { status: 'unavailable', riskLevel: 'unknown', findingIds: [] });
    const noPolicy = checkIntent({ policyDecidesUnavailable: false });
    refusedWith(await run(noPolicy, contextOf(body, undefined)), 'INTENT_UNAVAILABLE');
  });

  it('re-analyses typed data and refuses a report that hides its risk', async () => {
    const typedData = {
      domain: { name: 'Demo', version: '1', chainId: 1, verifyingContract: TOKEN },
      types: {
        Permit: [
          { name: 'owner', type: 'address' },
          { name: 'spender', type: 'address' },
          { name: 'value', type: 'uint256' },
          { name: 'nonce', type: 'uint256' },
          { name: 'deadline', type: 'uint256' },
        ],
      },
      primaryType: 'Permit',
      message: {
        owner: VAULT,
        spender: SPENDER,
        value: (2n ** 256n - 1n).toString(),
        nonce: '0',
        deadline: '1900000000',
      },
    };
    const base = transferBody('treasury', { chainId: 1 });
    const { transaction: _tx, ...rest } = base;
    const body: SignRequestBody = { ...rest, kind: 'evm.typed-data', typedData };
    const honest = await analyzeTypedData({ kind: 'typed-data', chainId: 1, signer: VAULT, typedData });
    assert.notEqual(honest.report.riskLevel, 'none');
    const ok = await run(attestedOnly, contextOf(body, withDigest(honest.report)));
    assert.equal(ok.result.ok, true);
    assert.equal(ok.intent?.source, 'reanalysed');
    const hidden: IntentReport = { ...honest.report, findings: [], riskLevel: 'none' };
    const r = await run(attestedOnly, contextOf(body, withDigest(hidden)));
    refusedWith(r, 'INTENT_MISMATCH');
  });
});
