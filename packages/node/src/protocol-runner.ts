// Drives one party of a threshold protocol (a pure PartyProtocol state machine) over the secure
// transport: sends its messages to the other participants' nodes, feeds it their messages, and
// ends the session on completion, on abort, when a peer is unreachable, or after a timeout.
// Ending a session always cleans up: the timer, the buffered messages and the transport's
// session keys (the transport then refuses that session's envelopes). Messages that arrive for
// a session this node has not started yet (its job may still be on its way from the
// coordinator) are buffered briefly.
import {
  decodeMessage,
  encodeMessage,
  equalBytes,
  MpcError,
  type PartyId,
  type PartyProtocol,
  ProtocolAbortError,
  type ProtocolMessage,
} from '@cairn/mpc';
import type { SecureTransport, TransportMessage } from '@cairn/transport';
import { NodeError } from './errors.ts';
import { type Logger, reasonOf } from './log.ts';
import { bytesToHex, hexToBytes } from './statements/encoding.ts';

export interface RunSessionParameters<T> {
  sessionId: Uint8Array;
  protocol: PartyProtocol<T>;
  /** Node id of every participant's party (this node's party included). */
  nodes: ReadonlyMap<PartyId, string>;
  timeoutMs: number;
  /** For logs: what the session is for (e.g. a request id). */
  label: string;
}

interface ActiveSession {
  readonly sid: string;
  readonly sessionId: Uint8Array;
  readonly protocol: PartyProtocol<unknown>;
  readonly nodes: ReadonlyMap<PartyId, string>;
  readonly partyOfNode: ReadonlyMap<string, PartyId>;
  readonly label: string;
  readonly startedAt: number;
  timer: NodeJS.Timeout | undefined;
  ended: boolean;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface Pending {
  readonly firstAt: number;
  readonly messages: TransportMessage[];
}

export interface ProtocolRunnerParameters {
  transport: SecureTransport;
  log: Logger;
  /** How long messages for a not-yet-started session are kept. */
  pendingTtlMs?: number;
  maxPendingSessions?: number;
  maxPendingMessages?: number;
  /** Called with the error code whenever a session ends without a result. */
  onSessionFailed?: (code: string) => void;
}

export class ProtocolRunner {
  readonly #transport: SecureTransport;
  readonly #log: Logger;
  readonly #sessions = new Map<string, ActiveSession>();
  readonly #pending = new Map<string, Pending>();
  readonly #pendingTtlMs: number;
  readonly #maxPendingSessions: number;
  readonly #maxPendingMessages: number;
  readonly #onFailed: (code: string) => void;
  #closed = false;

  constructor(params: ProtocolRunnerParameters) {
    this.#transport = params.transport;
    this.#log = params.log;
    this.#pendingTtlMs = params.pendingTtlMs ?? 30_000;
    this.#maxPendingSessions = params.maxPendingSessions ?? 256;
    this.#maxPendingMessages = params.maxPendingMessages ?? 1024;
    this.#onFailed = params.onSessionFailed ?? (() => {});
    this.#transport.onMessage((m) => this.#onMessage(m));
  }

  get activeSessions(): number {
    return this.#sessions.size;
  }

  /** Runs the protocol to its result. Rejects with NodeError SESSION_TIMEOUT / PEER_UNREACHABLE / PROTOCOL_ABORTED. */
  run<T>(params: RunSessionParameters<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new NodeError('SHUTTING_DOWN', 'the node is shutting down'));
    const sid = bytesToHex(params.sessionId);
    if (this.#sessions.has(sid))
      return Promise.reject(new NodeError('SESSION_BUSY', `session ${sid} is already running on this node`));
    if (this.#transport.isClosed(params.sessionId))
      return Promise.reject(
        new NodeError(
          'SESSION_BUSY',
          `session ${sid} has already ended on this node; retry with a fresh session id`,
        ),
      );
    const partyOfNode = new Map<string, PartyId>();
    for (const [party, node] of params.nodes) partyOfNode.set(node, party);
    return new Promise<T>((resolve, reject) => {
      const session: ActiveSession = {
        sid,
        sessionId: params.sessionId,
        protocol: params.protocol as PartyProtocol<unknown>,
        nodes: params.nodes,
        partyOfNode,
        label: params.label,
        startedAt: Date.now(),
        timer: undefined,
        ended: false,
        resolve: resolve as (value: unknown) => void,
        reject,
      };
      this.#sessions.set(sid, session);
      session.timer = setTimeout(() => this.#timeout(session, params.timeoutMs), params.timeoutMs);
      this.#log.info('session_started', {
        sessionId: sid,
        protocol: params.protocol.protocol,
        label: params.label,
      });
      this.#step(session, () => session.protocol.start());
      const early = this.#pending.get(sid);
      this.#pending.delete(sid);
      for (const m of early?.messages ?? []) {
        if (session.ended) break;
        this.#deliver(session, m);
      }
    });
  }

  /** Ends a running session without a result (e.g. superseded by a retry under a new session id). */
  abort(sessionIdHex: string, code: 'SESSION_BUSY' | 'SHUTTING_DOWN', message: string): void {
    const session = this.#sessions.get(sessionIdHex);
    if (session) this.#fail(session, new NodeError(code, message));
  }

  /**
   * Drops buffered messages of a session this node will not run (its job was refused) and closes
   * it in the transport, so the peers' next sends fail fast instead of waiting for a timeout.
   * A session already running here is left alone.
   */
  discard(sessionIdHex: string): void {
    if (this.#sessions.has(sessionIdHex)) return;
    this.#pending.delete(sessionIdHex);
    this.#transport.closeSession(hexToBytes(sessionIdHex));
  }

  close(): void {
    this.#closed = true;
    for (const s of [...this.#sessions.values()])
      this.#fail(s, new NodeError('SHUTTING_DOWN', 'the node is shutting down'));
    this.#pending.clear();
  }

  #onMessage(m: TransportMessage): void {
    const sid = bytesToHex(m.sessionId);
    const session = this.#sessions.get(sid);
    if (session) {
      this.#deliver(session, m);
      return;
    }
    // Not started here yet: keep it for a while (bounded), in arrival order.
    this.#sweepPending();
    let pending = this.#pending.get(sid);
    if (!pending) {
      if (this.#pending.size >= this.#maxPendingSessions) {
        this.#log.warn('session_message_dropped', {
          sessionId: sid,
          from: m.from,
          reason: 'too many pending sessions',
        });
        return;
      }
      pending = { firstAt: Date.now(), messages: [] };
      this.#pending.set(sid, pending);
    }
    if (pending.messages.length >= this.#maxPendingMessages) {
      this.#log.warn('session_message_dropped', {
        sessionId: sid,
        from: m.from,
        reason: 'too many pending messages',
      });
      return;
    }
    pending.messages.push(m);
  }

  #sweepPending(): void {
    const cutoff = Date.now() - this.#pendingTtlMs;
    for (const [sid, p] of this.#pending) {
      if (p.firstAt < cutoff) {
        this.#pending.delete(sid);
        this.#transport.closeSession(p.messages[0]!.sessionId);
        this.#log.warn('session_pending_expired', { sessionId: sid, messages: p.messages.length });
      }
    }
  }

  #deliver(session: ActiveSession, m: TransportMessage): void {
    if (session.ended) return;
    const party = session.partyOfNode.get(m.from);
    if (party === undefined) {
      // A committee member that is not a participant of this session: refuse, do not abort.
      this.#log.warn('session_message_refused', {
        sessionId: session.sid,
        from: m.from,
        reason: 'not a participant',
      });
      return;
    }
    let message: ProtocolMessage;
    try {
      message = decodeMessage(m.payload);
      if (!equalBytes(message.sessionId, session.sessionId))
        throw new MpcError('SESSION_MISMATCH', 'inner session id differs');
      // The authenticated sender must be the party the message claims to come from.
      if (message.from !== party)
        throw new MpcError(
          'UNEXPECTED_SENDER',
          `node ${m.from} is party ${party} but claims party ${message.from}`,
        );
    } catch (error) {
      const code = error instanceof MpcError ? error.code : 'MALFORMED_MESSAGE';
      this.#fail(
        session,
        new ProtocolAbortError({ code, culprit: party, message: reasonOf(error), cause: error }),
      );
      return;
    }
    this.#step(session, () => session.protocol.receive(message));
  }

  #step(session: ActiveSession, fn: () => ProtocolMessage[]): void {
    let out: ProtocolMessage[];
    try {
      out = fn();
    } catch (error) {
      this.#fail(session, error);
      return;
    }
    for (const m of out) this.#send(session, m);
    if (session.protocol.done && !session.ended) {
      let result: unknown;
      try {
        result = session.protocol.result();
      } catch (error) {
        this.#fail(session, error);
        return;
      }
      this.#end(session);
      this.#log.info('session_completed', {
        sessionId: session.sid,
        label: session.label,
        ms: Date.now() - session.startedAt,
      });
      session.resolve(result);
    }
  }

  #send(session: ActiveSession, m: ProtocolMessage): void {
    const bytes = encodeMessage(m);
    const self = session.protocol.party;
    const targets = m.to === null ? [...session.nodes.keys()].filter((p) => p !== self) : [m.to];
    for (const party of targets) {
      const node = session.nodes.get(party);
      if (node === undefined) {
        this.#fail(
          session,
          new NodeError('PROTOCOL_ABORTED', `protocol addressed party ${party}, which is not in the session`),
        );
        return;
      }
      // Sequence numbers are assigned synchronously here, so per-recipient order is preserved
      // even though deliveries complete asynchronously.
      this.#transport.send(node, session.sessionId, bytes).catch((error: unknown) => {
        if (session.ended) return;
        this.#fail(
          session,
          new NodeError(
            'PEER_UNREACHABLE',
            `node ${node} (party ${party}) is unreachable: ${reasonOf(error)}`,
            {
              cause: error,
            },
          ),
        );
      });
    }
  }

  #timeout(session: ActiveSession, timeoutMs: number): void {
    if (session.ended) return;
    const waiting = session.protocol.waitingFor().map((p) => `${session.nodes.get(p) ?? '?'} (party ${p})`);
    this.#fail(
      session,
      new NodeError(
        'SESSION_TIMEOUT',
        `session ${session.sid} made no progress within ${timeoutMs} ms; still waiting for ${waiting.join(', ') || 'nobody'}`,
      ),
    );
  }

  #fail(session: ActiveSession, error: unknown): void {
    if (session.ended) return;
    this.#end(session);
    let failure: NodeError;
    if (error instanceof NodeError) failure = error;
    else if (error instanceof ProtocolAbortError) {
      const culprit =
        error.culprit === null
          ? 'unidentified'
          : `${session.nodes.get(error.culprit) ?? '?'} (party ${error.culprit})`;
      failure = new NodeError(
        'PROTOCOL_ABORTED',
        `protocol aborted (${error.code}), culprit ${culprit}: ${error.message}`,
        {
          cause: error,
        },
      );
    } else {
      failure = new NodeError('PROTOCOL_ABORTED', `protocol failed: ${reasonOf(error)}`, { cause: error });
    }
    this.#log.warn('session_aborted', {
      sessionId: session.sid,
      label: session.label,
      code: failure.code,
      reason: failure.message,
      ms: Date.now() - session.startedAt,
    });
    this.#onFailed(failure.code);
    session.reject(failure);
  }

  #end(session: ActiveSession): void {
    session.ended = true;
    clearTimeout(session.timer);
    this.#sessions.delete(session.sid);
    this.#pending.delete(session.sid);
    this.#transport.closeSession(session.sessionId);
  }
}
