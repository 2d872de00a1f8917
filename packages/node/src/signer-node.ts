// The signer node: its unlocked identity and stores, the committee it accepts, the verification
// pipeline and the protocol runner, wired together. The HTTP API (http-api.ts) and tests call
// these methods; nothing here trusts the coordinator or the network.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { publicKeyToAddress } from 'viem/accounts';
import { z } from 'zod';
import { digestOf } from '@cairn/canonical';
import { decisionCore } from '@cairn/policy';
import type { KeyShare, PartyId, Signature } from '@cairn/mpc';
import { type Carrier, SecureTransport } from '@cairn/transport';
import type { NodeConfig } from './config.ts';
import { DATABASE_FILE } from './database.ts';
import { NodeError } from './errors.ts';
import { type AcceptedChange, GovernanceStore } from './governance-store.ts';
import { type NodeIdentity, unlockNode } from './identity.ts';
import { type Logger, reasonOf } from './log.ts';
import { CommitteeRefusedError, Membership } from './membership.ts';
import { createNodeMetrics, type NodeMetrics } from './metrics.ts';
import { NodeAudit } from './node-audit.ts';
import {
  type ChainView,
  checkIntent,
  rpcChainView,
  type WiredSignJobContext,
} from './pipeline/check-intent.ts';
import { checkPolicy, policyVerdictOf } from './pipeline/check-policy.ts';
import { createSignPipeline } from './pipeline/sign-pipeline.ts';
import { type PipelineStep, runPipeline, type SignJobContext } from './pipeline/step.ts';
import { ProtocolRunner } from './protocol-runner.ts';
import { JobRefusedError } from './refusal.ts';
import { ReplayGuard } from './replay-guard.ts';
import { type AssetDecimals, initiatorIdOf, policyRequestFacts } from './request-facts.ts';
import { schemeById } from './scheme-registry.ts';
import { ShareStore } from './share-store.ts';
import { requestSigningPayload } from './signing-payload.ts';
import { bytesToHex, hexToBytes } from './statements/encoding.ts';
import { StatementError } from './statements/errors.ts';
import {
  KEYGEN_JOB_DOMAIN,
  keygenJobBody,
  parseKeygenJob,
  verifyKeygenJob,
} from './statements/keygen-job.ts';
import type { HealthResponse, KeygenResponse, SignResponse } from './statements/responses.ts';
import { parseSignJob, type SignJob } from './statements/sign-job.ts';
import { signedRequestSchema, signRequestDigest, verifySignedRequest } from './statements/sign-request.ts';
import { type VaultRecord, VaultStore } from './vault-store.ts';

export interface SignerNodeParameters {
  config: NodeConfig;
  passphrase: string;
  log: Logger;
  /** Builds the carrier once the node can resolve peer addresses (the committee). */
  carrier: (resolveUrl: (nodeId: string) => string | undefined) => Carrier;
  /** Extra pipeline steps (policy, approvals, intent) for later issues and tests. */
  pipelineExtensions?: readonly PipelineStep[];
  /** Clock (unix seconds); tests may pin it. */
  now?: () => number;
  /** Clock in ms for approval and allow windows (default Date.now). */
  nowMs?: () => number;
  /** The node's own simulation view of a chain (default: from config.intent.chains); tests inject engines. */
  chainView?: (chainId: number) => ChainView | undefined;
}

/** POST /v1/ledger/signed: a request and the threshold signature the other signers produced. */
const ledgerNoticeSchema = z.strictObject({
  request: signedRequestSchema,
  signature: z.union([
    z.strictObject({
      r: z.string().regex(/^0x[0-9a-f]{64}$/),
      s: z.string().regex(/^0x[0-9a-f]{64}$/),
      yParity: z.union([z.literal(0), z.literal(1)]),
    }),
    z.strictObject({ bytes: z.string().regex(/^0x([0-9a-f]{2}){32,128}$/) }),
  ]),
});

/** The node software version recorded in node.started entries. */
export const NODE_VERSION = '0.1.0';

const nowSeconds = () => Math.floor(Date.now() / 1000);

export class SignerNode {
  readonly config: NodeConfig;
  readonly identity: NodeIdentity;
  readonly metrics: NodeMetrics;
  readonly carrier: Carrier;
  readonly #db: DatabaseSync;
  readonly #log: Logger;
  readonly #shares: ShareStore;
  readonly #vaults: VaultStore;
  readonly #replay: ReplayGuard;
  readonly #membership: Membership;
  readonly #transport: SecureTransport;
  readonly #runner: ProtocolRunner;
  readonly #pipeline: PipelineStep[];
  readonly #now: () => number;
  readonly #nowMs: () => number;
  readonly #assetDecimals: AssetDecimals;
  readonly #keygensRunning = new Set<string>();
  readonly #audit: NodeAudit;
  readonly #governance: GovernanceStore | null;
  readonly #chainViews: { close(): Promise<void> }[] = [];
  /** Accepted sessions still recording their acceptance, and the session that superseded each (if any). */
  readonly #starting = new Map<string, string | null>();
  #closing = false;

  private constructor(
    params: SignerNodeParameters,
    unlocked: { db: DatabaseSync; wrappingKey: Uint8Array; identity: NodeIdentity },
    wiring: { audit: NodeAudit; governance: GovernanceStore | null },
  ) {
    this.config = params.config;
    this.identity = unlocked.identity;
    this.#db = unlocked.db;
    this.#audit = wiring.audit;
    this.#governance = wiring.governance;
    this.#log = params.log;
    this.#now = params.now ?? nowSeconds;
    this.#nowMs = params.nowMs ?? Date.now;
    const decimals = params.config.policy?.assetDecimals ?? {};
    this.#assetDecimals = (chainId, token) => decimals[`${chainId}:${token.toLowerCase()}`];
    this.#shares = new ShareStore({
      db: this.#db,
      nodeId: this.identity.nodeId,
      wrappingKey: unlocked.wrappingKey,
    });
    this.#vaults = new VaultStore(this.#db);
    this.#replay = new ReplayGuard(this.#db);
    this.#membership = new Membership({
      db: this.#db,
      trust: params.config.admins,
      self: {
        nodeId: this.identity.nodeId,
        partyId: params.config.partyId,
        signingKey: this.identity.signingKey,
        encryptionKey: this.identity.encryptionKey,
      },
    });
    this.carrier = params.carrier((nodeId) => this.#membership.memberByNode(nodeId)?.url);
    this.#transport = new SecureTransport({
      identity: {
        nodeId: this.identity.nodeId,
        signingSecretKey: this.identity.signingSecretKey,
        encryptionSecretKey: this.identity.encryptionSecretKey,
      },
      carrier: this.carrier,
      log: (level, event, fields) => this.#log.log(level, event, fields),
    });
    this.#runner = new ProtocolRunner({
      transport: this.#transport,
      log: this.#log,
      pendingTtlMs: params.config.sessionTimeoutMs * 2,
      onSessionFailed: (code) => this.metrics.protocolAborts.inc({ code }),
    });
    this.metrics = createNodeMetrics({
      nodeId: this.identity.nodeId,
      activeSessions: () => this.#runner.activeSessions,
    });
    this.#pipeline = createSignPipeline({
      replayGuard: this.#replay,
      extensions: [...this.#wiringSteps(params), ...(params.pipelineExtensions ?? [])],
    });
    const problem = this.#membership.load();
    if (problem) this.#log.warn('committee_refused', { code: 'STORED_COMMITTEE_INVALID', message: problem });
    this.#onCommittee();
    const purged = this.#replay.purgeExpired(this.#now());
    if (purged > 0) this.#log.info('replay_guard_purged', { count: purged });
  }

  /**
   * Unlocks the data directory (scrypt once), opens the node's own audit log and accepted policy,
   * and builds the node. Throws NodeError on a wrong passphrase etc., and refuses to start on a
   * policy genesis or stored change that does not verify.
   */
  static async start(params: SignerNodeParameters): Promise<SignerNode> {
    const config = params.config;
    const unlocked = await unlockNode({
      dataDir: config.dataDir,
      nodeId: config.nodeId,
      passphrase: params.passphrase,
      kdfLogN: config.kdfLogN,
    });
    params.log.info('node_unlocked', {
      partyId: config.partyId,
      fresh: unlocked.fresh,
      signingKey: unlocked.identity.signingKey,
      encryptionKey: unlocked.identity.encryptionKey,
    });
    let audit: NodeAudit | undefined;
    let governance: GovernanceStore | null = null;
    try {
      audit = await NodeAudit.open({
        nodeId: config.nodeId,
        dataDir: config.dataDir,
        nodeDatabasePath: join(config.dataDir, DATABASE_FILE),
        identitySecretKey: unlocked.identity.signingSecretKey,
        witnessOf: config.audit?.witnessOf ?? [],
        log: params.log,
      });
      governance = SignerNode.#openGovernance(config, unlocked.db);
      const node = new SignerNode(params, unlocked, { audit, governance });
      await audit.nodeStarted(NODE_VERSION);
      if (governance) {
        const s = governance.status();
        params.log.info('policy_loaded', { version: s.version, hash: s.hash, activatedAt: s.activatedAt });
      } else if (config.policy) {
        params.log.warn('policy_missing', {
          message: 'policy is configured but this node has no genesis: it refuses every sign job',
        });
      }
      return node;
    } catch (error) {
      governance?.close();
      await audit?.close();
      unlocked.db.close();
      throw error;
    }
  }

  static #openGovernance(config: NodeConfig, db: DatabaseSync): GovernanceStore | null {
    let genesis: unknown;
    const file = config.policy?.genesisFile;
    if (file) {
      try {
        genesis = JSON.parse(readFileSync(file, 'utf8'));
      } catch (error) {
        throw new NodeError('CONFIG_INVALID', `cannot read the policy genesis ${file}: ${reasonOf(error)}`);
      }
    }
    try {
      return GovernanceStore.open({ db, genesis, ledgerPath: join(config.dataDir, 'policy-ledger.db') });
    } catch (error) {
      throw new NodeError('CONFIG_INVALID', `the node's policy does not verify: ${reasonOf(error)}`, {
        cause: error,
      });
    }
  }

  /** The policy and intent steps (issues 5 and 6), as configured. */
  #wiringSteps(params: SignerNodeParameters): PipelineStep[] {
    const config = params.config;
    const policyOn = config.policy !== undefined || this.#governance !== null;
    if (!policyOn && !config.intent) return [];
    const views = new Map<number, ChainView>();
    const chainView =
      params.chainView ??
      ((chainId: number) => {
        const existing = views.get(chainId);
        if (existing) return existing;
        const chain = config.intent?.chains.find((c) => c.chainId === chainId);
        if (!chain) return undefined;
        const view = rpcChainView({ chainId, rpcUrl: chain.rpcUrl, timeoutMs: config.intent!.timeoutMs });
        this.#chainViews.push(view);
        views.set(chainId, view);
        return view;
      });
    const steps: PipelineStep[] = [
      checkIntent({
        chains: chainView,
        timeoutMs: config.intent?.timeoutMs ?? 10_000,
        maxBlockLag: config.intent?.maxBlockLag ?? 64,
        policyDecidesUnavailable: policyOn,
      }),
    ];
    if (policyOn) {
      steps.push(
        checkPolicy({
          policy: () => this.#governance,
          nowMs: this.#nowMs,
          assetDecimals: this.#assetDecimals,
        }),
      );
    }
    return steps;
  }

  #onCommittee(): void {
    const c = this.#membership.committee;
    this.#transport.setPeers(this.#membership.peers());
    this.metrics.committeeVersion.set(c?.version ?? 0);
    this.metrics.up.set(c ? 1 : 0);
  }

  health(): HealthResponse {
    const c = this.#membership.committee;
    return {
      nodeId: this.identity.nodeId,
      partyId: this.config.partyId,
      signingKey: this.identity.signingKey,
      encryptionKey: this.identity.encryptionKey,
      committee: c ? { id: c.committeeId, version: c.version } : null,
      status: this.#closing ? 'degraded' : c ? 'ok' : 'no-committee',
    };
  }

  /**
   * Installs the committee from `config.committeeFile`, if configured and present. Throws
   * JobRefusedError when the file is refused (the caller stops the node).
   */
  installCommitteeFile(): void {
    const path = this.config.committeeFile;
    if (!path) return;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      this.#log.warn('committee_file_missing', { path });
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.#log.warn('committee_refused', {
        code: 'INVALID_STATEMENT',
        message: `${path} is not valid JSON`,
      });
      throw new JobRefusedError(
        'INVALID_STATEMENT',
        `committee file ${path} is not valid JSON`,
        'install-committee',
      );
    }
    this.installCommittee(json);
  }

  /** Verifies and installs a committee document (POST /v1/committee). */
  installCommittee(input: unknown): { committeeId: string; version: number } {
    try {
      const c = this.#membership.install(input);
      this.#onCommittee();
      void this.#audit.committeeInstalled({
        committeeId: c.committeeId,
        version: c.version,
        members: c.members.map((m) => ({ nodeId: m.nodeId, partyId: m.partyId })),
      });
      this.#log.info('committee_installed', {
        committeeId: c.committeeId,
        version: c.version,
        members: c.members.length,
      });
      return { committeeId: c.committeeId, version: c.version };
    } catch (error) {
      const code = error instanceof CommitteeRefusedError ? error.code : 'COMMITTEE_REFUSED';
      this.#log.warn('committee_refused', { code, message: reasonOf(error) });
      throw new JobRefusedError(code, reasonOf(error), 'install-committee');
    }
  }

  getVault(vaultId: string): VaultRecord | undefined {
    return this.#vaults.get(vaultId);
  }

  /** Feeds envelope bytes from the direct carrier (POST /v1/transport). */
  get transport(): SecureTransport {
    return this.#transport;
  }

  /** Runs an admin-signed keygen job (POST /v1/keygen): DKG with the other parties, then stores the share. */
  async keygen(input: unknown): Promise<KeygenResponse> {
    const refuse = (code: string, message: string, vaultId?: string): never => {
      this.#log.warn('keygen_job_refused', { code, message, vaultId });
      this.metrics.keygens.inc({ outcome: 'refused' });
      throw new JobRefusedError(code, message, 'keygen');
    };
    if (this.#closing) refuse('SHUTTING_DOWN', 'the node is shutting down');
    let job: ReturnType<typeof parseKeygenJob>;
    try {
      job = parseKeygenJob(input);
      this.#membership.require();
      verifyKeygenJob(job, this.config.admins);
    } catch (error) {
      const code =
        error instanceof StatementError || error instanceof NodeError ? error.code : 'INVALID_STATEMENT';
      return refuse(code, reasonOf(error));
    }
    const now = this.#now();
    if (job.expiresAt <= now)
      refuse('EXPIRED', `the keygen job expired at ${job.expiresAt} (now ${now})`, job.vaultId);
    if (job.expiresAt - now > this.config.maxRequestLifetimeSeconds)
      refuse('EXPIRY_TOO_FAR', 'the keygen job is valid for too long', job.vaultId);
    if (!job.parties.includes(this.config.partyId))
      refuse('NOT_A_SIGNER', `party ${this.config.partyId} is not among the keygen parties`, job.vaultId);
    const missing = job.parties.filter((p) => !this.#membership.memberByParty(p));
    if (missing.length > 0)
      refuse('BAD_SIGNER_SET', `parties [${missing.join(', ')}] are not in the committee`, job.vaultId);
    let scheme: ReturnType<typeof schemeById>;
    try {
      scheme = schemeById(job.scheme);
    } catch (error) {
      return refuse('UNSUPPORTED_SCHEME', reasonOf(error), job.vaultId);
    }
    if (this.#vaults.get(job.vaultId) || this.#keygensRunning.has(job.vaultId))
      refuse(
        'VAULT_EXISTS',
        `vault ${job.vaultId} already exists (or is being created) on this node`,
        job.vaultId,
      );
    const reserved = this.#replay.reserve({
      kind: 'keygen',
      nonce: job.nonce,
      digest: digestOf(KEYGEN_JOB_DOMAIN, keygenJobBody(job)),
      requestId: job.vaultId,
      sessionId: job.sessionId,
      expiresAt: job.expiresAt,
      now,
    });
    if (!reserved.ok) refuse('REPLAYED', reserved.message, job.vaultId);
    this.#keygensRunning.add(job.vaultId);
    this.#log.info('keygen_job_accepted', {
      vaultId: job.vaultId,
      scheme: job.scheme,
      parties: job.parties,
      sessionId: job.sessionId,
    });
    const sessionId = hexToBytes(job.sessionId);
    try {
      const share = await this.#runner.run<KeyShare>({
        sessionId,
        protocol: scheme.dkg({
          sessionId,
          party: this.config.partyId,
          parties: job.parties,
          threshold: job.threshold,
        }),
        nodes: this.#nodesOf(job.parties),
        timeoutMs: this.config.sessionTimeoutMs,
        label: `keygen ${job.vaultId}`,
      });
      const publicKey = bytesToHex(share.publicKey);
      const record: VaultRecord = {
        vaultId: job.vaultId,
        name: job.name,
        scheme: share.scheme,
        keyId: share.keyId,
        version: share.version,
        threshold: share.threshold,
        parties: [...share.parties],
        initiators: job.initiators,
        publicKey,
        ...(share.chainCode.length > 0 ? { chainCode: bytesToHex(share.chainCode) } : {}),
        address: evmAddressOf(share.scheme, share.publicKey),
        createdAt: new Date().toISOString(),
      };
      this.#db.exec('BEGIN');
      try {
        this.#shares.put(share);
        this.#vaults.put(record);
        this.#db.exec('COMMIT');
      } catch (error) {
        this.#db.exec('ROLLBACK');
        throw error;
      }
      this.#replay.finish(job.nonce, job.sessionId, 'completed', this.#now());
      await this.#audit.keyGenerated({
        keyId: record.keyId,
        scheme: record.scheme,
        threshold: record.threshold,
        parties: record.parties,
        publicKey,
      });
      this.metrics.keygens.inc({ outcome: 'completed' });
      this.#log.info('keygen_completed', {
        vaultId: job.vaultId,
        keyId: record.keyId,
        publicKey,
        address: record.address,
      });
      return {
        vaultId: record.vaultId,
        keyId: record.keyId,
        scheme: record.scheme,
        publicKey,
        ...(record.chainCode ? { chainCode: record.chainCode } : {}),
        ...(record.address ? { address: record.address } : {}),
      };
    } catch (error) {
      this.#replay.finish(job.nonce, job.sessionId, 'aborted', this.#now());
      this.metrics.keygens.inc({ outcome: 'failed' });
      this.#log.warn('keygen_failed', {
        vaultId: job.vaultId,
        code: (error as NodeError).code,
        reason: reasonOf(error),
      });
      throw error;
    } finally {
      this.#keygensRunning.delete(job.vaultId);
    }
  }

  /**
   * Runs a sign job (POST /v1/sign): the verification pipeline, then the threshold protocol.
   * Every outcome lands in the node's own audit log: refusals (with code and reason), the
   * acceptance (durably, before the protocol starts) and the signature produced.
   */
  async sign(input: unknown): Promise<SignResponse> {
    try {
      return await this.#sign(input);
    } catch (error) {
      const job = input as { sessionId?: unknown; request?: { body?: { requestId?: unknown } } } | null;
      const requestId = job?.request?.body?.requestId;
      const sessionId = job?.sessionId;
      const code =
        error instanceof JobRefusedError || error instanceof NodeError ? error.code : 'PROTOCOL_ABORTED';
      if (code !== 'SHUTTING_DOWN') {
        await this.#audit.signJobRefused({
          requestId:
            typeof requestId === 'string' && /^[\x21-\x7e]{1,256}$/.test(requestId) ? requestId : 'unknown',
          sessionId: typeof sessionId === 'string' && /^0x[0-9a-f]{64}$/.test(sessionId) ? sessionId : '',
          code,
          reason: reasonOf(error),
        });
      }
      throw error;
    }
  }

  async #sign(input: unknown): Promise<SignResponse> {
    const started = performance.now();
    const requestIdOf = (x: unknown) =>
      (x as { request?: { body?: { requestId?: unknown } } })?.request?.body?.requestId ?? null;
    const refuse = (
      code: string,
      message: string,
      step: string,
      fields: Record<string, unknown> = {},
    ): never => {
      // The audit-worthy line: which request, which check, why. Never any secret.
      this.#log.warn('sign_job_refused', { code, requestId: requestIdOf(input), step, message, ...fields });
      this.metrics.signJobs.inc({ outcome: 'refused' });
      this.metrics.refusals.inc({ code });
      throw new JobRefusedError(code, message, step);
    };
    if (this.#closing) refuse('SHUTTING_DOWN', 'the node is shutting down', 'admission');
    let job: SignJob;
    try {
      job = parseSignJob(input);
    } catch (error) {
      return refuse('INVALID_JOB', reasonOf(error), 'parse');
    }
    if (!this.#membership.committee) refuse('NO_COMMITTEE', 'this node has no committee yet', 'admission');
    const body = job.request.body;
    const ctx: SignJobContext = {
      job,
      request: job.request,
      body,
      digest: signRequestDigest(body),
      now: this.#now(),
      self: { nodeId: this.identity.nodeId, partyId: this.config.partyId },
      committeeParties: this.#membership.parties(),
      vault: this.#vaults.get(body.vaultId),
      limits: {
        maxLifetimeSeconds: this.config.maxRequestLifetimeSeconds,
        clockSkewSeconds: this.config.clockSkewSeconds,
      },
    };
    const outcome = await runPipeline(this.#pipeline, ctx);
    const audit = { vaultId: body.vaultId, initiator: job.request.initiator, sessionId: job.sessionId };
    if (!outcome.ok) {
      // Peers of a genuine request this node refuses learn it at their next send, not at a timeout.
      if (outcome.step !== 'verify-initiator-signature' && outcome.refusal.code !== 'REPLAYED')
        this.#runner.discard(job.sessionId);
      return refuse(outcome.refusal.code, outcome.refusal.message, outcome.step, audit);
    }
    const vault = ctx.vault!;
    const payload = ctx.payload!;
    if (ctx.supersedes) {
      if (this.#starting.has(ctx.supersedes)) this.#starting.set(ctx.supersedes, job.sessionId);
      this.#runner.abort(
        ctx.supersedes,
        'SESSION_BUSY',
        `superseded by session ${job.sessionId} for the same request`,
      );
    }
    const verdict = policyVerdictOf(ctx);
    let accepted: string | null = null;
    this.#starting.set(job.sessionId, null);
    try {
      // Recorded durably before the protocol starts: nothing is signed unrecorded.
      accepted = await this.#audit.signJobAccepted({
        requestId: body.requestId,
        sessionId: job.sessionId,
        decision: verdict
          ? {
              outcome: decisionCore(verdict.decision),
              policyVersion: this.#governance?.history.byHash(verdict.decision.policyHash)?.version ?? 0,
              policyHash: verdict.decision.policyHash,
            }
          : undefined,
      });
    } catch (error) {
      this.#log.error('audit_append_failed', { kind: 'signjob.accepted', reason: reasonOf(error) });
    }
    const supersededBy = this.#starting.get(job.sessionId);
    this.#starting.delete(job.sessionId);
    if (supersededBy || accepted === null)
      this.#replay.finish(body.nonce, job.sessionId, 'aborted', this.#now());
    if (supersededBy) {
      // A retry of the same request took over while this job was being recorded.
      throw new NodeError('SESSION_BUSY', `superseded by session ${supersededBy} for the same request`);
    }
    if (accepted === null)
      return refuse('AUDIT_UNAVAILABLE', 'this node cannot record the job in its audit log', 'audit', audit);
    this.#log.info('sign_job_accepted', {
      requestId: body.requestId,
      digest: ctx.digest,
      payload: bytesToHex(payload),
      signers: job.signers,
      ...(verdict ? { decision: verdict.decision.outcome, rule: verdict.decision.ruleId } : {}),
      ...((ctx as WiredSignJobContext).intent
        ? {
            intent: (ctx as WiredSignJobContext).intent!.source,
            risk: (ctx as WiredSignJobContext).intent!.facts.riskLevel,
          }
        : {}),
      ...audit,
    });
    try {
      const share = this.#shares.get(vault.keyId, vault.version);
      const scheme = schemeById(vault.scheme);
      const sessionId = hexToBytes(job.sessionId);
      const signature = await this.#runner.run<Signature>({
        sessionId,
        protocol: scheme.sign({
          sessionId,
          share,
          signers: job.signers,
          message: payload,
          derivationPath: body.derivationPath,
        }),
        nodes: this.#nodesOf(job.signers),
        timeoutMs: this.config.sessionTimeoutMs,
        label: `sign ${body.requestId}`,
      });
      // Belt and braces: never hand out a signature that does not verify.
      if (!scheme.verify({ publicKey: signature.publicKey, message: payload, signature: signature.bytes })) {
        throw new NodeError('PROTOCOL_ABORTED', 'the protocol produced a signature that does not verify');
      }
      this.#replay.finish(body.nonce, job.sessionId, 'completed', this.#now());
      if (verdict && this.#governance) {
        try {
          this.#governance.recordSigned(verdict);
        } catch (error) {
          this.#log.error('velocity_record_failed', { requestId: body.requestId, reason: reasonOf(error) });
        }
      }
      await this.#audit.signatureProduced({
        requestId: body.requestId,
        sessionId: job.sessionId,
        keyId: vault.keyId,
        scheme: vault.scheme,
        signature: bytesToHex(
          signature.recovery === undefined
            ? signature.bytes
            : Uint8Array.of(...signature.bytes.subarray(0, 64), signature.recovery),
        ),
        accepted,
      });
      const seconds = (performance.now() - started) / 1000;
      this.metrics.signJobs.inc({ outcome: 'signed' });
      this.metrics.signDuration.observe({ scheme: vault.scheme }, seconds);
      this.#log.info('sign_job_signed', {
        requestId: body.requestId,
        sessionId: job.sessionId,
        ms: Math.round(seconds * 1000),
      });
      return {
        requestId: body.requestId,
        signature:
          signature.recovery === undefined
            ? { bytes: bytesToHex(signature.bytes) }
            : {
                r: bytesToHex(signature.bytes.subarray(0, 32)),
                s: bytesToHex(signature.bytes.subarray(32, 64)),
                yParity: signature.recovery as 0 | 1,
              },
        publicKey: bytesToHex(signature.publicKey),
        payload: bytesToHex(payload),
      };
    } catch (error) {
      this.#replay.finish(body.nonce, job.sessionId, 'aborted', this.#now());
      this.metrics.signJobs.inc({ outcome: 'failed' });
      const code = error instanceof NodeError ? error.code : 'PROTOCOL_ABORTED';
      this.#log.warn('sign_job_failed', {
        requestId: body.requestId,
        sessionId: job.sessionId,
        code,
        reason: reasonOf(error),
      });
      throw error instanceof NodeError
        ? error
        : new NodeError('PROTOCOL_ABORTED', reasonOf(error), { cause: error });
    }
  }

  #nodesOf(parties: readonly PartyId[]): Map<PartyId, string> {
    const nodes = new Map<PartyId, string>();
    for (const p of parties) {
      const m = this.#membership.memberByParty(p);
      if (!m) throw new NodeError('NO_COMMITTEE', `party ${p} is not in the committee`);
      nodes.set(p, m.nodeId);
    }
    return nodes;
  }

  /** Stops accepting jobs, aborts running sessions, closes the transport and the database. */
  async close(reason = 'shutdown'): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    this.#runner.close();
    await this.#transport.close();
    // Let the jobs whose sessions were just aborted record their outcome before the database closes.
    await new Promise((resolve) => setImmediate(resolve));
    // Appends are serial: this one lands after every outcome recorded above.
    await this.#audit.nodeStopped(reason);
    await Promise.allSettled(this.#chainViews.map((v) => v.close()));
    await this.#audit.close();
    this.#governance?.close();
    this.#db.close();
  }

  /** The node's accepted policy head (GET /v1/policy); null when it has no policy. */
  policyStatus(): ReturnType<GovernanceStore['status']> | null {
    return this.#governance?.status() ?? null;
  }

  /**
   * Verifies and installs an admin-quorum-signed governance change (POST /v1/policy/changes):
   * policy versions, address book, users, groups, admin quorum. Persisted and audited before it
   * takes effect; it applies to requests submitted at or after its activation. Throws
   * JobRefusedError (POLICY_NOT_CONFIGURED, POLICY_BASE_MISMATCH, POLICY_INSUFFICIENT_SIGNATURES…).
   */
  async applyPolicyChange(input: unknown): Promise<{ version: number; hash: string; activatedAt: number }> {
    if (this.#closing)
      throw new JobRefusedError('SHUTTING_DOWN', 'the node is shutting down', 'policy-change');
    if (!this.#governance) {
      this.#log.warn('policy_change_refused', { code: 'POLICY_NOT_CONFIGURED' });
      throw new JobRefusedError(
        'POLICY_NOT_CONFIGURED',
        'this node has no policy genesis; changes cannot be applied',
        'policy-change',
      );
    }
    let accepted: AcceptedChange;
    try {
      accepted = this.#governance.applyChange(input, this.#nowMs());
    } catch (error) {
      const code = error instanceof JobRefusedError ? error.code : 'POLICY_CHANGE_FAILED';
      this.#log.warn('policy_change_refused', { code, message: reasonOf(error) });
      if (error instanceof JobRefusedError) throw error;
      throw new JobRefusedError(code, reasonOf(error), 'policy-change');
    }
    await this.#audit.policyChanged(accepted).catch((error: unknown) => {
      this.#log.error('audit_append_failed', { kind: 'policy.changed', reason: reasonOf(error) });
    });
    this.#log.info('policy_changed', {
      version: accepted.state.version,
      hash: accepted.hash,
      previousHash: accepted.previousHash,
      activatedAt: accepted.state.activatedAt,
      approvedBy: accepted.approvedBy,
    });
    return { version: accepted.state.version, hash: accepted.hash, activatedAt: accepted.state.activatedAt };
  }

  /**
   * Records in this node's velocity ledger a request the other signers signed (POST
   * /v1/ledger/signed), so velocity rules agree on every node, not only on those that signed.
   * Trusts nothing relayed: the initiator's signature, the vault and initiator, the payload
   * (recomputed) and the threshold signature under the vault's (derived) key are all verified.
   */
  recordSignedElsewhere(input: unknown): { requestId: string; recorded: boolean } {
    const fail = (code: string, message: string): never => {
      this.#log.warn('ledger_notice_refused', { code, message });
      throw new JobRefusedError(code, message, 'ledger-notice');
    };
    if (!this.#governance)
      return fail('POLICY_NOT_CONFIGURED', 'this node has no policy and no velocity ledger');
    const parsed = ledgerNoticeSchema.safeParse(input);
    if (!parsed.success)
      return fail('INVALID_JOB', `invalid ledger notice: ${parsed.error.issues[0]?.message}`);
    const { request, signature } = parsed.data;
    if (!verifySignedRequest(request))
      return fail('BAD_SIGNATURE', "the initiator's signature does not verify");
    const body = request.body;
    const vault = this.#vaults.get(body.vaultId);
    if (!vault) return fail('UNKNOWN_VAULT', `vault ${body.vaultId} does not exist on this node`);
    const initiatorId = initiatorIdOf(request, vault.initiators);
    if (!initiatorId)
      return fail('NOT_INITIATOR', `key ${request.initiator} is not an initiator of the vault`);
    let payload: Uint8Array;
    let publicKey = hexToBytes(vault.publicKey);
    try {
      payload = requestSigningPayload(body);
      const scheme = schemeById(vault.scheme);
      if (body.derivationPath.length > 0) {
        if (!scheme.derive || !vault.chainCode) throw new Error(`scheme ${vault.scheme} cannot derive keys`);
        publicKey = scheme.derive({
          publicKey,
          chainCode: hexToBytes(vault.chainCode),
          path: body.derivationPath,
        }).publicKey;
      }
      const bytes =
        'r' in signature ? hexToBytes(`${signature.r}${signature.s.slice(2)}`) : hexToBytes(signature.bytes);
      if (!scheme.verify({ publicKey, message: payload, signature: bytes })) throw new Error('signature');
    } catch {
      return fail('BAD_SIGNATURE', "the signature does not verify under the vault's key for this request");
    }
    let recorded: boolean;
    try {
      recorded = this.#governance.recordSignedElsewhere(
        policyRequestFacts(request, initiatorId, this.#assetDecimals),
      );
    } catch (error) {
      return fail('LEDGER_CONFLICT', reasonOf(error));
    }
    this.#log.info('velocity_recorded', { requestId: body.requestId, recorded, source: 'notice' });
    return { requestId: body.requestId, recorded };
  }

  /** The node's own audit log and witness (keys, cosigning, checkpoints). */
  get audit(): NodeAudit {
    return this.#audit;
  }
}

/** EVM address (EIP-55) of a secp256k1 ECDSA key; undefined for other schemes. */
export function evmAddressOf(scheme: string, publicKey: Uint8Array): string | undefined {
  if (scheme !== 'dkls23-secp256k1') return undefined;
  try {
    const uncompressed = secp256k1.Point.fromBytes(publicKey).toBytes(false);
    return publicKeyToAddress(bytesToHex(uncompressed));
  } catch {
    return undefined;
  }
}
