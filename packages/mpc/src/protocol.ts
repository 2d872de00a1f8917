// Protocols are pure state machines: they take messages and return messages. No I/O, no
// timers, no transport; the session engine (tests, benchmarks) or a signer node (production)
// moves the messages. Every message carries the session id and protocol name, and both are
// checked on receipt so that a message from one session can never be replayed into another.
import { MpcError, ProtocolAbortError } from './errors.ts';
import { equalBytes, Reader, Writer } from './encoding.ts';
import { assertPartyId, type PartyId } from './party.ts';

export const MIN_SESSION_ID_BYTES = 16;
export const MAX_SESSION_ID_BYTES = 64;

export interface ProtocolMessage {
  /** Unique per protocol run; bound into every transcript of the run. */
  readonly sessionId: Uint8Array;
  /** Protocol name, e.g. `frost-ed25519/sign`. */
  readonly protocol: string;
  readonly round: number;
  readonly from: PartyId;
  /** Recipient, or null for a broadcast to every other participant. */
  readonly to: PartyId | null;
  readonly payload: Uint8Array;
}

/** One party's side of a protocol run. */
export interface PartyProtocol<T> {
  readonly party: PartyId;
  readonly sessionId: Uint8Array;
  readonly protocol: string;
  /** Every other participant (the parties this party exchanges messages with). */
  readonly peers: readonly PartyId[];
  /** Starts the run and returns the first messages to send. Call once. */
  start(): ProtocolMessage[];
  /** Handles one incoming message; returns messages to send. Throws ProtocolAbortError on any failed check. */
  receive(message: ProtocolMessage): ProtocolMessage[];
  readonly done: boolean;
  /** The output; throws NOT_FINISHED before `done`. */
  result(): T;
  /** The parties whose messages this party still needs to make progress. */
  waitingFor(): PartyId[];
}

export function assertSessionId(sessionId: unknown): asserts sessionId is Uint8Array {
  if (
    !(sessionId instanceof Uint8Array) ||
    sessionId.length < MIN_SESSION_ID_BYTES ||
    sessionId.length > MAX_SESSION_ID_BYTES
  ) {
    throw new MpcError(
      'INVALID_PARAMETERS',
      `session id must be ${MIN_SESSION_ID_BYTES}..${MAX_SESSION_ID_BYTES} bytes (use 32 random bytes)`,
    );
  }
}

/** Canonical wire encoding of a protocol message (the transport signs and encrypts these bytes). */
export function encodeMessage(m: ProtocolMessage): Uint8Array {
  return new Writer()
    .string('cairn/mpc-message/v1')
    .bytes(m.sessionId)
    .string(m.protocol)
    .u8(m.round)
    .u16(m.from)
    .u16(m.to ?? 0)
    .bytes(m.payload)
    .finish();
}

export function decodeMessage(bytes: Uint8Array): ProtocolMessage {
  const r = new Reader(bytes);
  if (r.string() !== 'cairn/mpc-message/v1')
    throw new MpcError('MALFORMED_MESSAGE', 'unknown message format');
  const sessionId = r.bytes(MAX_SESSION_ID_BYTES);
  assertSessionId(sessionId);
  const protocol = r.string(128);
  const round = r.u8();
  const from = r.u16();
  assertPartyId(from, 'sender');
  const to = r.u16();
  const payload = r.bytes();
  r.end();
  return { sessionId, protocol, round, from, to: to === 0 ? null : to, payload };
}

export interface Outgoing {
  readonly to: PartyId | null;
  readonly payload: Uint8Array;
  /** Round number; defaults to the sender's step count (begin() sends round 1, the next step round 2, ...). */
  readonly round?: number;
}

interface Received {
  readonly payload: Uint8Array;
  readonly broadcast: boolean;
}

interface Expectation {
  readonly round: number;
  readonly from: ReadonlySet<PartyId>;
  readonly kind: 'broadcast' | 'direct';
}

/**
 * Base for round-based protocols. A subclass declares, for each round, which parties it expects
 * a message from and whether that message is a broadcast or addressed to it; the base class
 * checks session, protocol, sender, round and duplicates, buffers early messages, and calls
 * `onRound` once a round is complete. Any check failure aborts the run naming the sender.
 */
export abstract class RoundProtocol<T> implements PartyProtocol<T> {
  readonly party: PartyId;
  readonly sessionId: Uint8Array;
  readonly protocol: string;
  readonly peers: readonly PartyId[];
  #expect: Expectation | null = null;
  #inbox = new Map<number, Map<PartyId, Received>>();
  #seen = new Set<string>();
  #started = false;
  #aborted: ProtocolAbortError | null = null;
  #done = false;
  #result: T | undefined;

  protected constructor(params: {
    party: PartyId;
    sessionId: Uint8Array;
    protocol: string;
    peers: readonly PartyId[];
  }) {
    assertSessionId(params.sessionId);
    this.party = params.party;
    this.sessionId = params.sessionId.slice();
    this.protocol = params.protocol;
    this.peers = params.peers.filter((p) => p !== params.party);
  }

  /** Produces the first messages and declares the first expected round. */
  protected abstract begin(): Outgoing[];

  /** Handles a complete round: every expected sender's payload, keyed by sender. */
  protected abstract onRound(round: number, inbox: ReadonlyMap<PartyId, Uint8Array>): Outgoing[];

  /** Declares the next round this party waits for. */
  protected expect(round: number, from: readonly PartyId[], kind: 'broadcast' | 'direct'): void {
    this.#expect = { round, from: new Set(from.filter((p) => p !== this.party)), kind };
  }

  /** Ends the run with `value`. */
  protected finish(value: T): void {
    this.#done = true;
    this.#expect = null;
    this.#result = value;
  }

  /** Aborts, attributing the failure to `culprit`. */
  protected abort(code: ProtocolAbortError['code'], culprit: PartyId | null, message: string): never {
    throw new ProtocolAbortError({ code, culprit, detectedBy: this.party, message });
  }

  get done(): boolean {
    return this.#done;
  }

  result(): T {
    if (!this.#done)
      throw new MpcError('NOT_FINISHED', `${this.protocol}: party ${this.party} has not finished`);
    return this.#result as T;
  }

  waitingFor(): PartyId[] {
    const e = this.#expect;
    if (!e || this.#done) return [];
    const got = this.#inbox.get(e.round);
    return [...e.from].filter((p) => !got?.has(p));
  }

  start(): ProtocolMessage[] {
    if (this.#started) throw new MpcError('INVALID_PARAMETERS', `${this.protocol}: start() called twice`);
    this.#started = true;
    return this.#guard(() => this.#wrap(this.begin()));
  }

  receive(message: ProtocolMessage): ProtocolMessage[] {
    if (this.#aborted) throw this.#aborted;
    if (!this.#started)
      throw new MpcError('INVALID_PARAMETERS', `${this.protocol}: receive() before start()`);
    return this.#guard(() => {
      this.#check(message);
      const round = this.#inbox.get(message.round) ?? new Map<PartyId, Received>();
      this.#inbox.set(message.round, round);
      round.set(message.from, { payload: message.payload, broadcast: message.to === null });
      return this.#advance();
    });
  }

  #guard(fn: () => ProtocolMessage[]): ProtocolMessage[] {
    try {
      return fn();
    } catch (error) {
      if (error instanceof ProtocolAbortError) {
        if (error.detectedBy === null) error.detectedBy = this.party;
        this.#aborted = error;
        this.#expect = null;
      }
      throw error;
    }
  }

  #check(m: ProtocolMessage): void {
    const from = m.from;
    if (!equalBytes(m.sessionId, this.sessionId))
      this.abort('SESSION_MISMATCH', from, 'message from another session');
    if (m.protocol !== this.protocol)
      this.abort('SESSION_MISMATCH', from, `message for protocol ${m.protocol}`);
    if (!this.peers.includes(from))
      this.abort('UNEXPECTED_SENDER', null, `message claims to be from non-participant ${from}`);
    if (m.to !== null && m.to !== this.party)
      this.abort('UNEXPECTED_SENDER', from, `message addressed to party ${m.to}`);
    const key = `${m.round}:${from}`;
    if (this.#seen.has(key)) this.abort('DUPLICATE_MESSAGE', from, `second message for round ${m.round}`);
    this.#seen.add(key);
    if (this.#done)
      this.abort('UNEXPECTED_ROUND', from, `message for round ${m.round} after the run finished`);
    const e = this.#expect;
    if (e === null || m.round < e.round)
      this.abort('UNEXPECTED_ROUND', from, `message for past round ${m.round}`);
  }

  #advance(): ProtocolMessage[] {
    const out: ProtocolMessage[] = [];
    for (;;) {
      const e = this.#expect;
      if (e === null || this.#done) return out;
      const received = this.#inbox.get(e.round);
      if (received === undefined) return out;
      // Messages may have arrived before this round was declared: check them against it now.
      const inbox = new Map<PartyId, Uint8Array>();
      for (const [from, m] of received) {
        if (!e.from.has(from))
          this.abort('UNEXPECTED_SENDER', from, `not expected to send in round ${e.round}`);
        if (m.broadcast !== (e.kind === 'broadcast')) {
          this.abort('MALFORMED_MESSAGE', from, `round ${e.round} must be ${e.kind}`);
        }
        inbox.set(from, m.payload);
      }
      if (inbox.size < e.from.size) return out;
      this.#inbox.delete(e.round);
      out.push(...this.#wrap(this.onRound(e.round, inbox)));
      if (this.#expect === e) this.#expect = null;
    }
  }

  #wrap(outgoing: Outgoing[]): ProtocolMessage[] {
    const step = this.#roundCounter++;
    return outgoing.map((o) => ({
      sessionId: this.sessionId,
      protocol: this.protocol,
      round: o.round ?? step,
      from: this.party,
      to: o.to,
      payload: o.payload,
    }));
  }

  #roundCounter = 1;
}
