// Authenticated, encrypted, ordered delivery of session messages between committee nodes over an
// untrusted carrier. Sender side: one ephemeral key and one sequence counter per (session,
// recipient). Receiver side: refuses unknown senders, envelopes for another node, bad
// signatures, failed decryption, replays (a sequence number already delivered or buffered) and
// envelopes of closed sessions; buffers envelopes that arrive early and delivers each sender's
// messages in sequence order. Every refusal is logged with a stable code and then dropped.
//
// Key agreement cost: a sender keeps one ephemeral X25519 key per recipient for
// `ephemeralRotationMs` (its secret half is erased right after the Diffie–Hellman), and the
// receiver caches the shared secret per (sender, ephemeral key) for a bounded time; each session
// still gets its own keys (HKDF over the session id and both node ids). Forward secrecy thus
// holds at the granularity of the rotation period, and a busy node does not pay two X25519
// operations per session and peer.
import { x25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { Carrier } from './carrier.ts';
import { ed25519Signer } from './ed25519.ts';
import {
  decodeEnvelope,
  deriveEnvelopeKey,
  ENVELOPE_VERSION,
  type Envelope,
  encodeEnvelope,
  ephemeralKeyPair,
  openEnvelope,
  sealEnvelope,
  verifyEnvelopeSignature,
  x25519Shared,
} from './envelope.ts';
import { TransportError } from './errors.ts';

/** Public keys of a committee member, from the (admin-signed) committee document. */
export interface PeerKeys {
  readonly nodeId: string;
  /** Ed25519 identity key. */
  readonly signingKey: Uint8Array;
  /** X25519 encryption key. */
  readonly encryptionKey: Uint8Array;
}

/** This node's own keys. */
export interface TransportIdentity {
  readonly nodeId: string;
  readonly signingSecretKey: Uint8Array;
  readonly encryptionSecretKey: Uint8Array;
}

export interface TransportMessage {
  readonly from: string;
  readonly sessionId: Uint8Array;
  readonly seq: bigint;
  readonly payload: Uint8Array;
}

export type TransportLog = (
  level: 'info' | 'warn' | 'error',
  event: string,
  fields: Record<string, unknown>,
) => void;

export interface SecureTransportParameters {
  identity: TransportIdentity;
  carrier: Carrier;
  peers?: readonly PeerKeys[];
  log?: TransportLog;
  /** Early (out-of-order) envelopes kept per (session, sender) before refusing more. */
  maxBufferedPerSender?: number;
  /** Sessions tracked at once; the least recently active is forgotten beyond this. */
  maxSessions?: number;
  /** Closed session ids remembered so their envelopes are refused. */
  maxClosedSessions?: number;
  /** How long a sender reuses one ephemeral key per recipient (default 60 s). */
  ephemeralRotationMs?: number;
}

interface SharedSecret {
  readonly ephemeralKey: Uint8Array;
  readonly secret: Uint8Array;
  readonly createdAt: number;
}

interface Outbound {
  seq: bigint;
  ephemeralKey: Uint8Array;
  key: Uint8Array;
}

interface Inbound {
  next: bigint;
  early: Map<bigint, Uint8Array>;
}

interface SessionState {
  readonly sessionId: Uint8Array;
  readonly out: Map<string, Outbound>;
  readonly in: Map<string, Inbound>;
  /** Receive keys by `${from}|${ephemeral key hex}`. */
  readonly keys: Map<string, Uint8Array>;
}

export class SecureTransport {
  readonly nodeId: string;
  readonly #identity: TransportIdentity;
  readonly #carrier: Carrier;
  readonly #log: TransportLog;
  readonly #maxBuffered: number;
  readonly #maxSessions: number;
  readonly #maxClosed: number;
  readonly #encryptionPublicKey: Uint8Array;
  readonly #sign: (message: Uint8Array) => Uint8Array;
  readonly #rotationMs: number;
  /** Sender side: current ephemeral key and shared secret per `${recipient}|${recipient key}`. */
  readonly #outgoingSecrets = new Map<string, SharedSecret>();
  /** Receiver side: shared secret per `${sender}|${ephemeral key}`. */
  readonly #incomingSecrets = new Map<string, SharedSecret>();
  #peers = new Map<string, PeerKeys>();
  readonly #sessions = new Map<string, SessionState>();
  readonly #closed = new Set<string>();
  #handler: ((message: TransportMessage) => void) | null = null;
  #shutdown = false;

  constructor(params: SecureTransportParameters) {
    this.#identity = params.identity;
    this.nodeId = params.identity.nodeId;
    this.#carrier = params.carrier;
    this.#log = params.log ?? (() => {});
    this.#maxBuffered = params.maxBufferedPerSender ?? 256;
    this.#maxSessions = params.maxSessions ?? 4096;
    this.#maxClosed = params.maxClosedSessions ?? 65536;
    this.#encryptionPublicKey = x25519.getPublicKey(params.identity.encryptionSecretKey);
    this.#sign = ed25519Signer(params.identity.signingSecretKey);
    this.#rotationMs = params.ephemeralRotationMs ?? 60_000;
    this.setPeers(params.peers ?? []);
    this.#carrier.onReceive((bytes) => this.receive(bytes));
  }

  /** Replaces the membership (from a newly accepted committee). */
  setPeers(peers: readonly PeerKeys[]): void {
    this.#peers = new Map(peers.map((p) => [p.nodeId, p]));
  }

  /** Registers the handler that receives authenticated, decrypted, in-order messages. */
  onMessage(handler: (message: TransportMessage) => void): void {
    this.#handler = handler;
  }

  /** Encrypts `payload` to `to`, signs it, and hands it to the carrier. Rejects with TransportError. */
  async send(to: string, sessionId: Uint8Array, payload: Uint8Array): Promise<void> {
    if (this.#shutdown) throw new TransportError('CLOSED', 'transport is closed');
    const sid = bytesToHex(sessionId);
    if (this.#closed.has(sid)) throw new TransportError('SESSION_CLOSED', `session ${sid} is closed`);
    const peer = this.#peers.get(to);
    if (!peer) throw new TransportError('UNKNOWN_RECIPIENT', `node ${to} is not in the committee`);
    const session = this.#session(sessionId, sid);
    let out = session.out.get(to);
    if (!out) {
      const shared = this.#outgoingSecret(peer);
      const key = deriveEnvelopeKey({
        sharedSecret: shared.secret,
        sessionId,
        from: this.nodeId,
        to,
        ephemeralKey: shared.ephemeralKey,
        recipientKey: peer.encryptionKey,
      });
      out = { seq: 0n, ephemeralKey: shared.ephemeralKey, key };
      session.out.set(to, out);
    }
    out.seq += 1n;
    const envelope = sealEnvelope({
      header: {
        version: ENVELOPE_VERSION,
        sessionId,
        from: this.nodeId,
        to,
        seq: out.seq,
        ephemeralKey: out.ephemeralKey,
      },
      key: out.key,
      payload,
      sign: this.#sign,
    });
    await this.#carrier.send(to, encodeEnvelope(envelope));
  }

  /**
   * Handles envelope bytes from the carrier. Throws TransportError (after logging) when the
   * envelope is refused; a refused envelope changes no state.
   */
  receive(bytes: Uint8Array): void {
    try {
      this.#receive(bytes);
    } catch (error) {
      const e =
        error instanceof TransportError
          ? error
          : new TransportError('MALFORMED_ENVELOPE', 'envelope could not be processed', { cause: error });
      this.#log('warn', 'transport_envelope_refused', { code: e.code, reason: e.message });
      throw e;
    }
  }

  #receive(bytes: Uint8Array): void {
    if (this.#shutdown) throw new TransportError('CLOSED', 'transport is closed');
    const e: Envelope = decodeEnvelope(bytes);
    if (e.to !== this.nodeId)
      throw new TransportError('WRONG_RECIPIENT', `envelope for node ${e.to} reached node ${this.nodeId}`);
    const peer = this.#peers.get(e.from);
    if (!peer) throw new TransportError('UNKNOWN_SENDER', `sender ${e.from} is not in the committee`);
    if (!verifyEnvelopeSignature(e, peer.signingKey))
      throw new TransportError('BAD_SIGNATURE', `envelope signature from ${e.from} does not verify`);
    const sid = bytesToHex(e.sessionId);
    if (this.#closed.has(sid))
      throw new TransportError('SESSION_CLOSED', `envelope for closed session ${sid} from ${e.from}`);
    const existing = this.#sessions.get(sid);
    const inbound = existing?.in.get(e.from);
    if (inbound && (e.seq < inbound.next || inbound.early.has(e.seq)))
      throw new TransportError(
        'REPLAYED',
        `envelope ${e.seq} from ${e.from} in session ${sid} was already received`,
      );
    if (inbound && inbound.early.size >= this.#maxBuffered && e.seq !== inbound.next)
      throw new TransportError('BUFFER_FULL', `too many early envelopes from ${e.from} in session ${sid}`);
    if (e.seq === 0n) throw new TransportError('MALFORMED_ENVELOPE', 'sequence numbers start at 1');
    const keyId = `${e.from}|${bytesToHex(e.ephemeralKey)}`;
    let key = existing?.keys.get(keyId);
    if (!key) {
      key = deriveEnvelopeKey({
        sharedSecret: this.#incomingSecret(e.from, e.ephemeralKey),
        sessionId: e.sessionId,
        from: e.from,
        to: this.nodeId,
        ephemeralKey: e.ephemeralKey,
        recipientKey: this.#encryptionPublicKey,
      });
    }
    const payload = openEnvelope(e, key);
    // Authenticated and decrypted: only now does the envelope change any state.
    const session = existing ?? this.#session(e.sessionId, sid);
    session.keys.set(keyId, key);
    let state = session.in.get(e.from);
    if (!state) {
      state = { next: 1n, early: new Map() };
      session.in.set(e.from, state);
    }
    if (e.seq !== state.next) {
      state.early.set(e.seq, payload);
      return;
    }
    this.#deliver({ from: e.from, sessionId: session.sessionId, seq: e.seq, payload });
    state.next += 1n;
    // Deliver buffered successors in order, unless a handler has meanwhile closed the session.
    for (let p = state.early.get(state.next); p !== undefined; p = state.early.get(state.next)) {
      if (this.#sessions.get(sid) !== session) return;
      state.early.delete(state.next);
      this.#deliver({ from: e.from, sessionId: session.sessionId, seq: state.next, payload: p });
      state.next += 1n;
    }
  }

  #deliver(message: TransportMessage): void {
    if (!this.#handler) return;
    try {
      this.#handler(message);
    } catch (error) {
      this.#log('error', 'transport_handler_failed', {
        from: message.from,
        sessionId: bytesToHex(message.sessionId),
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /** The sender's current ephemeral key and shared secret for a recipient (rotated periodically). */
  #outgoingSecret(peer: PeerKeys): SharedSecret {
    const id = `${peer.nodeId}|${bytesToHex(peer.encryptionKey)}`;
    const now = Date.now();
    const current = this.#outgoingSecrets.get(id);
    if (current && now - current.createdAt < this.#rotationMs) return current;
    current?.secret.fill(0);
    const eph = ephemeralKeyPair();
    const fresh = {
      ephemeralKey: eph.publicKey,
      secret: x25519Shared(eph.secretKey, peer.encryptionKey),
      createdAt: now,
    };
    eph.secretKey.fill(0);
    this.#outgoingSecrets.set(id, fresh);
    return fresh;
  }

  /** The shared secret for a sender's ephemeral key, cached for a bounded time and number. */
  #incomingSecret(from: string, ephemeralKey: Uint8Array): Uint8Array {
    const id = `${from}|${bytesToHex(ephemeralKey)}`;
    const now = Date.now();
    const cached = this.#incomingSecrets.get(id);
    if (cached && now - cached.createdAt < 3 * this.#rotationMs) return cached.secret;
    const secret = x25519Shared(this.#identity.encryptionSecretKey, ephemeralKey);
    this.#incomingSecrets.delete(id);
    this.#incomingSecrets.set(id, { ephemeralKey, secret, createdAt: now });
    for (const [k, v] of this.#incomingSecrets) {
      if (this.#incomingSecrets.size <= 4096 && now - v.createdAt < 3 * this.#rotationMs) break;
      v.secret.fill(0);
      this.#incomingSecrets.delete(k);
    }
    return secret;
  }

  /** Forgets a session's keys and counters and refuses its envelopes from now on. */
  closeSession(sessionId: Uint8Array): void {
    const sid = bytesToHex(sessionId);
    const s = this.#sessions.get(sid);
    if (s) for (const o of s.out.values()) o.key.fill(0);
    if (s) for (const k of s.keys.values()) k.fill(0);
    this.#sessions.delete(sid);
    this.#closed.add(sid);
    if (this.#closed.size > this.#maxClosed) {
      const oldest = this.#closed.values().next().value;
      if (oldest !== undefined) this.#closed.delete(oldest);
    }
  }

  /** True when the session was closed here (its envelopes are refused; it cannot be reopened). */
  isClosed(sessionId: Uint8Array): boolean {
    return this.#closed.has(bytesToHex(sessionId));
  }

  /** Number of sessions with live state (for tests and health). */
  get openSessions(): number {
    return this.#sessions.size;
  }

  async close(): Promise<void> {
    this.#shutdown = true;
    for (const s of this.#sessions.values()) this.closeSession(s.sessionId);
    for (const m of [this.#outgoingSecrets, this.#incomingSecrets]) {
      for (const v of m.values()) v.secret.fill(0);
      m.clear();
    }
    await this.#carrier.close();
  }

  #session(sessionId: Uint8Array, sid: string): SessionState {
    let s = this.#sessions.get(sid);
    if (s) {
      // Keep insertion order = recency, so eviction drops the least recently active session.
      this.#sessions.delete(sid);
      this.#sessions.set(sid, s);
      return s;
    }
    s = { sessionId: sessionId.slice(), out: new Map(), in: new Map(), keys: new Map() };
    this.#sessions.set(sid, s);
    if (this.#sessions.size > this.#maxSessions) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest !== undefined && oldest !== sid) {
        this.#log('warn', 'transport_session_evicted', { sessionId: oldest });
        this.closeSession(this.#sessions.get(oldest)!.sessionId);
      }
    }
    return s;
  }
}
