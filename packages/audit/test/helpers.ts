// Shared test scaffolding: a log with three witnessing signer nodes, sample entries of every
// kind (including replayable decisions), and a small, real policy evaluator used ONLY by tests
// to exercise replay until @cairn/policy is wired in.
import { createHash } from 'node:crypto';
import {
  AuditLog,
  canonicalJson,
  type EntryInput,
  type JsonValue,
  makeKeysFile,
  NoteSigner,
  parseKeysFile,
  SIG_COSIGNATURE_V1,
  SIG_ED25519,
  SqliteLogStore,
  SqliteWitnessStore,
  Witness,
  parseVerifierKey,
  type EvaluatorInput,
} from '../src/index.ts';

export const ORIGIN = 'cairn.test/audit/coordinator';

/** Deterministic keys, so failures reproduce. */
export function seededSigner(
  name: string,
  type: typeof SIG_ED25519 | typeof SIG_COSIGNATURE_V1,
  seed: number,
) {
  const secretKey = new Uint8Array(createHash('sha256').update(`seed ${seed}`).digest());
  return new NoteSigner({ name, type, secretKey });
}

export interface TestLog {
  log: AuditLog;
  owner: NoteSigner;
  witnesses: Witness[];
  witnessStores: SqliteWitnessStore[];
  keysFile: ReturnType<typeof makeKeysFile>;
  keys: ReturnType<typeof parseKeysFile>;
  close(): Promise<void>;
}

let clock = Date.parse('2026-01-01T00:00:00.000Z');
/** A clock that advances one second per call. */
export const tick = () => (clock += 1000);

export async function makeLog(opts: { path?: string; witnesses?: number } = {}): Promise<TestLog> {
  const owner = seededSigner('cairn.test/log', SIG_ED25519, 1);
  const witnessStores: SqliteWitnessStore[] = [];
  const witnesses: Witness[] = [];
  for (let i = 0; i < (opts.witnesses ?? 3); i++) {
    const store = SqliteWitnessStore.open(':memory:');
    witnessStores.push(store);
    witnesses.push(
      new Witness({
        signer: seededSigner(`node-${i + 1}.cairn.test`, SIG_COSIGNATURE_V1, 100 + i),
        logs: [{ origin: ORIGIN, key: parseVerifierKey(owner.verifierKey) }],
        store,
        now: tick,
      }),
    );
  }
  const store = SqliteLogStore.open(opts.path ?? ':memory:');
  const log = await AuditLog.open({ store, origin: ORIGIN, signer: owner, witnesses, now: tick });
  const keysFile = makeKeysFile({
    origin: ORIGIN,
    log: owner.verifierKey,
    witnesses: witnesses.map((w) => w.verifierKey),
  });
  return {
    log,
    owner,
    witnesses,
    witnessStores,
    keysFile,
    keys: parseKeysFile(keysFile),
    async close() {
      await store.close();
      for (const s of witnessStores) await s.close();
    },
  };
}

/**
 * A second log run by the same owner key against the same witnesses: a split view or a fork.
 * The caller closes it with `fork.store.close()`.
 */
export function openFork(t: TestLog): Promise<AuditLog> {
  return AuditLog.open({
    store: SqliteLogStore.open(':memory:'),
    origin: ORIGIN,
    signer: t.owner,
    witnesses: t.witnesses,
    now: tick,
  });
}

// --- A small real policy evaluator (test only) ---------------------------------------------
// policy: { dailyLimit: "decimal", blockRisk: [levels], approvalAbove: "decimal", allow: [addresses] }
export function testEvaluate(input: EvaluatorInput): JsonValue {
  const policy = input.policy as {
    dailyLimit: string;
    blockRisk: string[];
    approvalAbove: string;
    allow: string[];
  };
  const request = input.request as { to: string; amount: string };
  const intent = input.intent as { risk: string };
  const ledger = input.ledger as { spent24h: string };
  if (policy.blockRisk.includes(intent.risk)) return { action: 'block', reason: `risk ${intent.risk}` };
  if (!policy.allow.includes(request.to))
    return { action: 'block', reason: 'destination not in address book' };
  if (dec(ledger.spent24h) + dec(request.amount) > dec(policy.dailyLimit)) {
    return { action: 'block', reason: 'daily limit' };
  }
  if (dec(request.amount) > dec(policy.approvalAbove)) return { action: 'require-approval', approvals: 2 };
  return { action: 'allow' };
}

/** Decimal string to a fixed-point bigint with 18 decimals. */
function dec(s: string): bigint {
  const [i, f = ''] = s.split('.');
  return BigInt(i!) * 10n ** 18n + BigInt((f + '0'.repeat(18)).slice(0, 18));
}

export const POLICY_V1 = {
  dailyLimit: '100',
  blockRisk: ['high'],
  approvalAbove: '10',
  allow: ['0xaa', '0xbb'],
};
export const POLICY_V2 = {
  dailyLimit: '50',
  blockRisk: ['high', 'medium'],
  approvalAbove: '5',
  allow: ['0xaa'],
};
export const policyHash = (doc: JsonValue) => createHash('sha256').update(canonicalJson(doc)).digest('hex');

/** A realistic request lifecycle: request, intent, decision (replayable), approval, signing, chain. */
export function lifecycle(
  n: number,
  policy: { version: number; doc: JsonValue },
  prevPolicy: string[] = [],
): EntryInput[] {
  const requestId = `req-${n}`;
  const request = { to: n % 3 === 0 ? '0xcc' : '0xaa', amount: `${n % 20}.5`, asset: 'ETH' };
  const intent = { risk: n % 7 === 0 ? 'high' : 'low', findings: [] as string[] };
  const ledger = { spent24h: String((n * 3) % 90) };
  const now = new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString();
  const outcome = testEvaluate({ policy: policy.doc, request, intent, ledger, now });
  return [
    {
      kind: 'request.received',
      actor: 'coordinator',
      data: { requestId, vaultId: 'vault-1', initiator: 'alice', request },
    },
    {
      kind: 'intent.reported',
      actor: 'coordinator',
      data: { requestId, riskLevel: intent.risk, findings: [], intent },
    },
    {
      kind: 'policy.decided',
      actor: 'node-1.cairn.test',
      prev: prevPolicy,
      data: {
        requestId,
        policy: { id: 'treasury', version: policy.version, hash: policyHash(policy.doc) },
        outcome,
        inputs: { request, intent, ledger, now },
      },
    },
    {
      kind: 'approval.recorded',
      actor: 'bob',
      data: { requestId, approver: 'bob', verdict: 'approve', method: 'ed25519', signature: 'ab'.repeat(64) },
    },
    {
      kind: 'signjob.accepted',
      actor: 'node-1.cairn.test',
      data: { requestId, jobId: `job-${n}`, node: 'node-1' },
    },
    {
      kind: 'signjob.refused',
      actor: 'node-3.cairn.test',
      data: {
        requestId,
        jobId: `job-${n}`,
        node: 'node-3',
        code: 'POLICY_DENIED',
        reason: 'velocity, "limit", reached',
      },
    },
    {
      kind: 'signature.produced',
      actor: 'coordinator',
      data: { requestId, jobId: `job-${n}`, keyId: 'key-1', scheme: 'dkls23', signature: 'cd'.repeat(65) },
    },
    {
      kind: 'tx.broadcast',
      actor: 'coordinator',
      data: { requestId, chain: 'eip155:1', txHash: 'ef'.repeat(32) },
    },
    {
      kind: 'tx.confirmed',
      actor: 'coordinator',
      data: { requestId, chain: 'eip155:1', txHash: 'ef'.repeat(32), block: 1000 + n, status: 'success' },
    },
  ];
}

export function policyChange(version: number, doc: JsonValue): EntryInput {
  return {
    kind: 'policy.changed',
    actor: 'admins',
    data: {
      policyId: 'treasury',
      version,
      hash: policyHash(doc),
      document: doc,
      approvedBy: ['admin-1', 'admin-2'],
    },
  };
}

export const otherKinds: EntryInput[] = [
  { kind: 'node.started', actor: 'node-1.cairn.test', data: { node: 'node-1', version: '0.1.0' } },
  {
    kind: 'key.generated',
    actor: 'node-1.cairn.test',
    data: {
      keyId: 'key-1',
      scheme: 'dkls23',
      threshold: 2,
      parties: ['node-1', 'node-2', 'node-3'],
      publicKey: '02'.repeat(33),
    },
  },
  { kind: 'key.refreshed', actor: 'node-1.cairn.test', data: { keyId: 'key-1', epoch: 2 } },
  {
    kind: 'key.reshared',
    actor: 'node-1.cairn.test',
    data: { keyId: 'key-1', epoch: 3, threshold: 2, parties: ['node-1', 'node-2', 'node-4'] },
  },
  {
    kind: 'membership.changed',
    actor: 'admins',
    data: { change: 'add', member: 'carol', role: 'approver', approvedBy: ['admin-1'] },
  },
  {
    kind: 'addressbook.changed',
    actor: 'admins',
    data: {
      change: 'add',
      address: { chain: 'eip155:1', address: '0xaa', label: '=HYPERLINK("x")' },
      approvedBy: ['admin-1'],
    },
  },
  { kind: 'node.stopped', actor: 'node-1.cairn.test', data: { node: 'node-1', reason: 'maintenance' } },
];

/** A log with a bit of everything: two policy versions, ~60 entries, checkpoints along the way. */
export async function populate(t: TestLog, rounds = 6): Promise<void> {
  const first = await t.log.appendBatch([otherKinds[0]!, otherKinds[1]!, policyChange(1, POLICY_V1)]);
  let policyDigest = first[2]!.digest;
  await t.log.checkpoint();
  for (let n = 1; n <= rounds; n++) {
    const version = n <= rounds / 2 ? 1 : 2;
    if (n === Math.floor(rounds / 2) + 1)
      policyDigest = (await t.log.append(policyChange(2, POLICY_V2))).digest;
    await t.log.appendBatch(
      lifecycle(n, { version, doc: version === 1 ? POLICY_V1 : POLICY_V2 }, [policyDigest]),
    );
    if (n % 2 === 0) await t.log.checkpoint();
  }
  await t.log.appendBatch(otherKinds.slice(2));
  await t.log.checkpoint();
}
