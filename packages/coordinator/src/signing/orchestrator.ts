// Drives each request through its lifecycle: choose t live signers, send each the same SignJob,
// collect identical signatures, assemble, persist the signed raw transaction and its hash BEFORE
// broadcasting, broadcast, and track the receipt. After a restart it resumes every unfinished
// request from its persisted state; a persisted raw transaction is only ever re-sent as the same
// bytes (never re-signed), so a crash can never cause a second, different transaction.
import { randomBytes } from 'node:crypto';
import {
  AssembleError,
  assembleSignedTransaction,
  type EvmChain,
  EvmChainError,
  type EcdsaSignature,
  evmAddressOfPublicKey,
  type EvmTransaction,
} from '@cairn/chains';
import { requestSigningPayload, type SignJob, type SignResponse } from '@cairn/node';
import type { Logger } from '../log.ts';
import type { PreSignGate } from '../policy/pre-sign-gate.ts';
import type { CoordinatorMetrics } from '../metrics.ts';
import type { RequestRecord, RequestStore } from '../store/request-store.ts';
import type { VaultRecord, VaultStore } from '../store/vault-store.ts';
import type { LedgerNotifier } from './ledger-notices.ts';
import { NodeCallError } from './node-client.ts';
import { chooseSigners, type NodeHealth } from './node-health.ts';

export interface OrchestratorParameters {
  requests: RequestStore;
  vaults: VaultStore;
  health: NodeHealth;
  chains: Map<number, EvmChain>;
  metrics: CoordinatorMetrics;
  logger: Logger;
  /** Per-attempt time limit for a signing session (default 20 s). */
  signTimeoutMs?: number;
  /** Signing attempts (signer sets) before giving up (default 4). */
  maxAttempts?: number;
  /** Receipt polling interval (default 100 ms). */
  receiptPollMs?: number;
  /**
   * Intent analysis and policy decision before signing (docs/coordinator-wiring.md); null: requests
   * go from `received` straight to `signing` and the nodes decide alone.
   */
  gate?: PreSignGate | null;
  /**
   * Sends the velocity-ledger notice of every signed request to the parties that did not sign
   * (src/signing/ledger-notices.ts); null: nodes that did not sign never learn of it.
   */
  notifier?: LedgerNotifier | null;
}

type Outcome = { kind: 'signed'; response: SignResponse; signers: number[] } | { kind: 'ended' };

export class SigningOrchestrator {
  private readonly p: Required<OrchestratorParameters>;
  private readonly running = new Map<string, Promise<void>>();
  private readonly shutdown = new AbortController();
  /** Approval deadlines being watched (request id → timer). */
  private readonly deadlines = new Map<string, NodeJS.Timeout>();

  constructor(params: OrchestratorParameters) {
    this.p = {
      signTimeoutMs: 20_000,
      maxAttempts: 4,
      receiptPollMs: 100,
      gate: null,
      notifier: null,
      ...params,
    };
  }

  /** Starts (or joins) processing of a request; resolves when it is terminal or the orchestrator stops. */
  process(requestId: string): Promise<void> {
    const existing = this.running.get(requestId);
    if (existing) return existing;
    const task = this.run(requestId)
      .catch((error) => {
        if (this.shutdown.signal.aborted) return;
        this.p.logger.log('error', 'request.crashed', { requestId, message: (error as Error).message });
      })
      .finally(() => this.running.delete(requestId));
    this.running.set(requestId, task);
    return task;
  }

  /** Resumes every unfinished request (after a restart). */
  resumeAll(): number {
    const unfinished = this.p.requests.listUnfinished();
    for (const r of unfinished) {
      this.p.logger.log('info', 'request.resumed', { requestId: r.requestId, state: r.state });
      void this.process(r.requestId);
    }
    return unfinished.length;
  }

  /** Stops background work; persisted state is left for the next start to resume. */
  async stop(): Promise<void> {
    this.shutdown.abort();
    for (const t of this.deadlines.values()) clearTimeout(t);
    this.deadlines.clear();
    await Promise.allSettled([...this.running.values()]);
  }

  private get stopped() {
    return this.shutdown.signal.aborted;
  }

  private async run(requestId: string): Promise<void> {
    let r = this.p.requests.get(requestId);
    if (!r) return;
    const gate = this.p.gate;
    if (gate && ['received', 'simulated', 'pending_approval'].includes(r.state)) {
      const next = await this.gateRequest(r, gate);
      if (!next || this.stopped) return;
      r = next;
    }
    if (r.state === 'received' || r.state === 'approved' || r.state === 'signing') {
      const vault = this.p.vaults.find(r.vaultId);
      if (!vault) {
        this.end(r, 'failed', 'UNKNOWN_VAULT', `vault ${r.vaultId} no longer exists`);
        return;
      }
      const outcome = await this.sign(r, vault);
      if (outcome.kind === 'ended' || this.stopped) return;
      r = await this.recordSignature(r, vault, outcome.response, outcome.signers);
      if (!r) return;
      // The velocity ledger counts what was signed, as every node's does.
      gate?.policy?.recordSigned(r.requestId);
      // …and so must the ledgers of the nodes that did not sign (best effort, never awaited).
      void this.p.notifier?.signed(r.requestId);
    }
    if (r.state === 'signed' && r.kind === 'evm.transaction') {
      r = await this.broadcast(r);
      if (!r) return;
    }
    if (r.state === 'broadcast') await this.confirm(r);
  }

  /**
   * received → simulated (intent analysed) → decided: rejected (blocked), pending_approval (waits
   * for the approval API or its deadline), or approved. Returns the request when it may be signed.
   */
  private async gateRequest(r: RequestRecord, gate: PreSignGate): Promise<RequestRecord | null> {
    const vault = this.p.vaults.find(r.vaultId);
    if (!vault) {
      this.end(r, 'failed', 'UNKNOWN_VAULT', `vault ${r.vaultId} no longer exists`);
      return null;
    }
    const subject = { requestId: r.requestId, signedRequest: r.signedRequest };
    if (r.state === 'received') {
      const intent = await gate.analyze(subject, vault, Date.now());
      if (this.stopped) return null;
      const detail = intent
        ? `${intent.simulated ? 'simulated' : `not simulated (${intent.errorCode ?? intent.status})`}: risk ${intent.facts.riskLevel}${intent.facts.findingIds.length ? `, findings ${intent.facts.findingIds.join(', ')}` : ''}`
        : 'no intent analysis configured';
      r = this.p.requests.transition(r.requestId, 'simulated', {}, detail);
      this.p.logger.log('info', 'request.simulated', {
        requestId: r.requestId,
        simulated: intent?.simulated ?? false,
        riskLevel: intent?.facts.riskLevel ?? null,
        findings: intent?.facts.findingIds ?? [],
      });
    }
    if (r.state === 'simulated') {
      const routed = gate.decide(subject, vault, Date.now());
      const rule = routed.decision?.decision.ruleId ?? 'no rule';
      if (routed.route === 'block') {
        this.end(r, 'rejected', routed.code, routed.message);
        return null;
      }
      if (routed.route === 'sign') {
        return this.p.requests.transition(
          r.requestId,
          'approved',
          {},
          routed.decision ? `allowed by ${rule}` : 'no policy configured',
        );
      }
      const groups = routed.decision.decision.approvals?.groups.map((g) => `${g.group} ${g.threshold}`) ?? [];
      r = this.p.requests.transition(
        r.requestId,
        'pending_approval',
        {},
        `${rule} requires approvals (${routed.decision.decision.approvals?.mode ?? 'all'}: ${groups.join(', ')})`,
      );
      this.p.logger.log('info', 'request.pending_approval', { requestId: r.requestId, rule });
    }
    if (r.state === 'pending_approval') {
      const routed = gate.approvalRoute(r.requestId, Date.now());
      if (!routed) {
        this.end(r, 'failed', 'NO_DECISION', 'the request waits for approvals but has no recorded decision');
        return null;
      }
      switch (routed.route) {
        case 'approved':
          return this.p.requests.transition(r.requestId, 'approved', {}, routed.quorum.explanation);
        case 'rejected':
          this.end(r, 'rejected', 'APPROVAL_REJECTED', routed.quorum.explanation);
          return null;
        case 'expired':
          this.end(r, 'failed', 'APPROVALS_EXPIRED', routed.quorum.explanation);
          return null;
        case 'pending':
          this.watchDeadline(r, gate);
          return null;
      }
    }
    return r;
  }

  /** Ends a request waiting for approvals when its approval window (or its own expiry) passes. */
  private watchDeadline(r: RequestRecord, gate: PreSignGate): void {
    if (this.deadlines.has(r.requestId)) return;
    const approvalsBy = gate.approvalDeadline(r.requestId) ?? Number.POSITIVE_INFINITY;
    const deadline = Math.min(approvalsBy, r.signedRequest.body.expiresAt * 1000);
    const delay = Math.max(0, Math.min(deadline - Date.now() + 1, 2 ** 31 - 1));
    const timer = setTimeout(() => {
      this.deadlines.delete(r.requestId);
      const current = this.p.requests.get(r.requestId);
      if (current?.state !== 'pending_approval' || this.stopped) return;
      if (Date.now() >= r.signedRequest.body.expiresAt * 1000 && Date.now() < approvalsBy) {
        this.end(current, 'failed', 'EXPIRED', 'the request expired while waiting for approvals');
        return;
      }
      void this.process(r.requestId);
    }, delay);
    timer.unref();
    this.deadlines.set(r.requestId, timer);
  }

  /** Moves a request to a terminal state with an audit-worthy log line. */
  private end(
    r: RequestRecord,
    state: 'rejected' | 'failed',
    code: string,
    message: string,
    extra = {},
  ): void {
    this.p.requests.transition(
      r.requestId,
      state,
      { errorCode: code, errorMessage: message, ...extra },
      message,
    );
    this.p.logger.log(state === 'rejected' ? 'warn' : 'error', `request.${state}`, {
      requestId: r.requestId,
      vaultId: r.vaultId,
      initiator: r.initiator,
      code,
      message,
    });
    if (state === 'rejected') this.p.metrics.refusals.inc({ code });
  }

  private async sign(r: RequestRecord, vault: VaultRecord): Promise<Outcome> {
    const exclude = new Set<number>();
    let attempts = r.attempts;
    let lastAbort = 'no attempt made';
    for (let i = 0; i < this.p.maxAttempts && !this.stopped; i++) {
      if (r.signedRequest.body.expiresAt <= Math.floor(Date.now() / 1000)) {
        this.end(r, 'failed', 'EXPIRED', `request expired before a signature was produced (${lastAbort})`);
        return { kind: 'ended' };
      }
      const signers = chooseSigners({
        parties: vault.parties,
        threshold: vault.threshold,
        exclude,
        isUp: (p) => this.p.health.isUp(p),
      });
      if (!signers) {
        this.end(
          r,
          'failed',
          'NOT_ENOUGH_SIGNERS',
          `fewer than ${vault.threshold} signer nodes are reachable (last error: ${lastAbort})`,
        );
        return { kind: 'ended' };
      }
      attempts += 1;
      const sessionId = `0x${randomBytes(32).toString('hex')}`;
      r = this.p.requests.transition(
        r.requestId,
        'signing',
        { signers, attempts },
        `attempt ${attempts}: parties ${signers.join(', ')}`,
      );
      this.p.logger.log('info', 'request.signing', {
        requestId: r.requestId,
        attempt: attempts,
        signers,
        sessionId,
      });
      const job: SignJob = {
        sessionId,
        signers,
        request: r.signedRequest,
        ...payloadOf(r),
        ...(this.p.gate?.claims(r.requestId) ?? {}),
      } as SignJob;
      const cancel = new AbortController();
      const stopListener = () => cancel.abort();
      this.shutdown.signal.addEventListener('abort', stopListener);
      const settled = await Promise.allSettled(
        signers.map(async (party) => {
          const client = this.p.health.clients.get(party);
          if (!client)
            throw new NodeCallError(
              'unavailable',
              'UNKNOWN_NODE',
              `party-${party}`,
              `no node for party ${party}`,
              null,
            );
          try {
            return await client.sign(job, this.p.signTimeoutMs, cancel.signal);
          } catch (error) {
            // A signer that cannot be reached dooms this session: stop waiting for the others.
            if (error instanceof NodeCallError && error.kind === 'unavailable') {
              this.p.health.markDown(party, error.message);
              exclude.add(party);
              cancel.abort();
            }
            throw error;
          }
        }),
      );
      this.shutdown.signal.removeEventListener('abort', stopListener);
      if (this.stopped) return { kind: 'ended' };
      const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
      if (failures.length === 0) {
        const responses = settled.map((s) => (s as PromiseFulfilledResult<SignResponse>).value);
        const first = JSON.stringify(responses[0]!.signature);
        if (responses.some((x) => JSON.stringify(x.signature) !== first)) {
          this.end(r, 'failed', 'SIGNATURE_MISMATCH', 'signer nodes returned different signatures');
          return { kind: 'ended' };
        }
        return { kind: 'signed', response: responses[0]!, signers };
      }
      const refusal = failures.find(
        (f): f is NodeCallError => f instanceof NodeCallError && f.kind === 'refused',
      );
      if (refusal) {
        this.end(r, 'rejected', refusal.code, `signer node ${refusal.nodeId} refused: ${refusal.message}`, {
          signers,
        });
        return { kind: 'ended' };
      }
      for (const f of failures) {
        const code = f instanceof NodeCallError ? f.code : 'INTERNAL';
        if (code !== 'CANCELLED') this.p.metrics.protocolAborts.inc({ code });
      }
      const primary =
        failures.find((f) => !(f instanceof NodeCallError) || f.code !== 'CANCELLED') ?? failures[0];
      lastAbort = (primary as Error).message;
      this.p.logger.log('warn', 'request.attempt_aborted', {
        requestId: r.requestId,
        attempt: attempts,
        signers,
        reason: lastAbort,
      });
      // An abort with no unreachable node (e.g. a protocol timeout): do not reuse the same set first.
      if (!failures.some((f) => f instanceof NodeCallError && f.kind === 'unavailable')) {
        const suspect = failures.find((f): f is NodeCallError => f instanceof NodeCallError);
        const party = signers.find((p) => this.p.health.clients.get(p)?.endpoint.nodeId === suspect?.nodeId);
        const others = signers.filter((p) => p !== party);
        if (others.length > 0 && vault.parties.length - exclude.size > vault.threshold)
          exclude.add(others[0]!);
      }
    }
    if (!this.stopped) this.end(r, 'failed', 'SIGNING_FAILED', `no signing session completed: ${lastAbort}`);
    return { kind: 'ended' };
  }

  private async recordSignature(
    r: RequestRecord,
    vault: VaultRecord,
    response: SignResponse,
    signers: number[],
  ): Promise<RequestRecord | null> {
    const now = Date.now();
    this.p.metrics.signLatency.observe({ kind: r.kind }, (now - r.receivedAtMs) / 1000);
    if (r.kind !== 'evm.transaction') {
      const done = this.p.requests.transition(
        r.requestId,
        'signed',
        { signature: { ...response.signature, publicKey: response.publicKey }, signers, signedAtMs: now },
        `signed by parties ${signers.join(', ')}`,
      );
      this.p.logger.log('info', 'request.signed', { requestId: r.requestId, signers });
      return done;
    }
    const sig = response.signature;
    if (!('r' in sig)) {
      this.end(
        r,
        'failed',
        'WRONG_SIGNATURE_TYPE',
        `vault ${vault.vaultId} (${vault.scheme}) cannot sign EVM transactions`,
      );
      return null;
    }
    const derived = r.signedRequest.body.derivationPath.length > 0;
    let expectedFrom: `0x${string}` | undefined;
    try {
      expectedFrom = derived
        ? evmAddressOfPublicKey(response.publicKey as `0x${string}`)
        : ((vault.address ?? undefined) as `0x${string}` | undefined);
      const tx = r.signedRequest.body.transaction as EvmTransaction;
      const signed = await assembleSignedTransaction(tx, sig as EcdsaSignature, expectedFrom);
      // Persist the exact bytes and hash before they leave this process (no double broadcast).
      const next = this.p.requests.transition(
        r.requestId,
        'signed',
        {
          signature: { ...sig, publicKey: response.publicKey },
          signers,
          rawTx: signed.raw,
          txHash: signed.hash,
          signedAtMs: now,
        },
        `signed by parties ${signers.join(', ')}; tx ${signed.hash}`,
      );
      this.p.logger.log('info', 'request.signed', { requestId: r.requestId, signers, txHash: signed.hash });
      return next;
    } catch (error) {
      const code = error instanceof AssembleError ? error.code : 'ASSEMBLY_FAILED';
      this.end(r, 'failed', code, `could not assemble the signed transaction: ${(error as Error).message}`);
      return null;
    }
  }

  private chainOf(r: RequestRecord): EvmChain | null {
    return this.p.chains.get(r.chainId) ?? null;
  }

  private async broadcast(r: RequestRecord): Promise<RequestRecord | null> {
    const chain = this.chainOf(r);
    if (!chain || !r.rawTx || !r.txHash) {
      this.end(r, 'failed', 'UNSUPPORTED_CHAIN', `no RPC configured for chain ${r.chainId}`);
      return null;
    }
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        // Idempotent: a node that already has this hash counts as broadcast.
        await chain.broadcast(r.rawTx, r.txHash);
        const next = this.p.requests.transition(r.requestId, 'broadcast', {}, `broadcast ${r.txHash}`);
        this.p.logger.log('info', 'request.broadcast', { requestId: r.requestId, txHash: r.txHash });
        return next;
      } catch (error) {
        const e = error as EvmChainError;
        if (e instanceof EvmChainError && e.code === 'BROADCAST_REJECTED') {
          this.end(r, 'failed', 'BROADCAST_REJECTED', e.message);
          return null;
        }
        if (attempt >= 20) {
          this.end(r, 'failed', 'RPC_UNAVAILABLE', `could not broadcast: ${e.message}`);
          return null;
        }
        await this.sleep(Math.min(250 * attempt, 3000));
      }
    }
    return null;
  }

  private async confirm(r: RequestRecord): Promise<void> {
    const chain = this.chainOf(r);
    if (!chain || !r.rawTx || !r.txHash) {
      this.end(r, 'failed', 'UNSUPPORTED_CHAIN', `no RPC configured for chain ${r.chainId}`);
      return;
    }
    let missingSince: number | null = null;
    while (!this.stopped) {
      try {
        const receipt = await chain.getReceipt(r.txHash);
        if (receipt) {
          this.p.metrics.receiptLatency.observe({ kind: r.kind }, (Date.now() - r.receivedAtMs) / 1000);
          if (receipt.status === 'success') {
            this.p.requests.transition(
              r.requestId,
              'confirmed',
              { receipt },
              `mined in block ${receipt.blockNumber}`,
            );
            this.p.logger.log('info', 'request.confirmed', {
              requestId: r.requestId,
              txHash: r.txHash,
              block: receipt.blockNumber,
            });
          } else {
            this.end(r, 'failed', 'TRANSACTION_REVERTED', `transaction ${r.txHash} reverted`, { receipt });
          }
          return;
        }
        // Not mined: if the node has forgotten the transaction, re-send the SAME bytes.
        if (!(await chain.hasTransaction(r.txHash))) {
          missingSince ??= Date.now();
          if (Date.now() - missingSince > 1000) {
            this.p.logger.log('warn', 'request.rebroadcast', { requestId: r.requestId, txHash: r.txHash });
            await chain.broadcast(r.rawTx, r.txHash).catch(() => {});
            missingSince = null;
          }
        } else missingSince = null;
      } catch {
        // RPC hiccup: keep polling; the request stays in `broadcast`.
      }
      await this.sleep(this.p.receiptPollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopped) return resolve();
      const t = setTimeout(done, ms);
      const signal = this.shutdown.signal;
      function done() {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

/**
 * The coordinator's own computation of the signing payload, sent along for the nodes to
 * cross-check (they recompute it and refuse a mismatch; they never sign it as given). Omitted
 * when it cannot be computed here: the nodes then refuse with their own reason.
 */
function payloadOf(r: RequestRecord): { payload?: string } {
  try {
    return { payload: `0x${Buffer.from(requestSigningPayload(r.signedRequest.body)).toString('hex')}` };
  } catch {
    return {};
  }
}
