// The committee this node accepts: installed only when an admin quorum (from the node's own
// configuration) signed it, when it lists this node with this node's own keys, and when it is
// newer than the one in force (no rollback to an older membership). Until a committee is in
// place the node refuses every job.
import type { DatabaseSync } from 'node:sqlite';
import type { PartyId } from '@cairn/mpc';
import type { PeerKeys } from '@cairn/transport';
import { canonicalize } from '@cairn/canonical';
import { getMeta, setMeta } from './database.ts';
import { NodeError } from './errors.ts';
import type { AdminTrust } from './statements/admin-quorum.ts';
import {
  type Committee,
  type CommitteeMember,
  parseCommittee,
  verifyCommittee,
} from './statements/committee.ts';
import { hexToBytes } from './statements/encoding.ts';
import { StatementError } from './statements/errors.ts';

export class CommitteeRefusedError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'CommitteeRefusedError';
    this.code = code;
  }
}

export class Membership {
  readonly #db: DatabaseSync;
  readonly #trust: AdminTrust;
  readonly #self: { nodeId: string; partyId: PartyId; signingKey: string; encryptionKey: string };
  #committee: Committee | null = null;
  #byParty = new Map<PartyId, CommitteeMember>();
  #byNode = new Map<string, CommitteeMember>();

  constructor(params: {
    db: DatabaseSync;
    trust: AdminTrust;
    self: { nodeId: string; partyId: PartyId; signingKey: string; encryptionKey: string };
  }) {
    this.#db = params.db;
    this.#trust = params.trust;
    this.#self = params.self;
  }

  /** Loads the stored committee, re-verified against the current trust anchor. Returns a problem or null. */
  load(): string | null {
    const stored = getMeta(this.#db, 'committee');
    if (!stored) return null;
    try {
      const committee = parseCommittee(JSON.parse(new TextDecoder().decode(stored)));
      this.#check(committee);
      this.#set(committee);
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  }

  /** Verifies and installs a committee document. Throws CommitteeRefusedError with a stable code. */
  install(input: unknown): Committee {
    let committee: Committee;
    try {
      committee = parseCommittee(input);
    } catch (error) {
      throw new CommitteeRefusedError('INVALID_STATEMENT', (error as Error).message);
    }
    this.#check(committee);
    const current = this.#committee;
    if (current) {
      if (committee.committeeId !== current.committeeId)
        throw new CommitteeRefusedError(
          'COMMITTEE_MISMATCH',
          `this node belongs to committee ${current.committeeId}, not ${committee.committeeId}`,
        );
      if (committee.version < current.version)
        throw new CommitteeRefusedError(
          'COMMITTEE_ROLLBACK',
          `committee version ${committee.version} is older than the installed version ${current.version}`,
        );
      if (committee.version === current.version) {
        const same = canonicalize(body(committee)) === canonicalize(body(current));
        if (same) return current; // idempotent re-install
        throw new CommitteeRefusedError(
          'COMMITTEE_CONFLICT',
          `a different committee ${committee.committeeId} version ${committee.version} is already installed`,
        );
      }
    }
    setMeta(this.#db, 'committee', new TextEncoder().encode(JSON.stringify(committee)));
    this.#set(committee);
    return committee;
  }

  #check(committee: Committee): void {
    try {
      verifyCommittee(committee, this.#trust);
    } catch (error) {
      if (error instanceof StatementError) throw new CommitteeRefusedError(error.code, error.message);
      throw error;
    }
    const me = committee.members.find((m) => m.nodeId === this.#self.nodeId);
    if (!me)
      throw new CommitteeRefusedError('NOT_A_MEMBER', `node ${this.#self.nodeId} is not in the committee`);
    if (me.partyId !== this.#self.partyId)
      throw new CommitteeRefusedError(
        'IDENTITY_MISMATCH',
        `the committee gives this node party ${me.partyId}, its config says ${this.#self.partyId}`,
      );
    if (me.signingKey !== this.#self.signingKey || me.encryptionKey !== this.#self.encryptionKey)
      throw new CommitteeRefusedError(
        'IDENTITY_MISMATCH',
        `the committee lists other keys for node ${this.#self.nodeId}`,
      );
  }

  #set(committee: Committee): void {
    this.#committee = committee;
    this.#byParty = new Map(committee.members.map((m) => [m.partyId, m]));
    this.#byNode = new Map(committee.members.map((m) => [m.nodeId, m]));
  }

  get committee(): Committee | null {
    return this.#committee;
  }

  require(): Committee {
    if (!this.#committee)
      throw new NodeError(
        'NO_COMMITTEE',
        'this node has no committee yet: install a signed committee (POST /v1/committee)',
      );
    return this.#committee;
  }

  memberByParty(party: PartyId): CommitteeMember | undefined {
    return this.#byParty.get(party);
  }

  memberByNode(nodeId: string): CommitteeMember | undefined {
    return this.#byNode.get(nodeId);
  }

  parties(): Set<PartyId> {
    return new Set(this.#byParty.keys());
  }

  /** Transport peers (every member, this node included). */
  peers(): PeerKeys[] {
    return [...this.#byNode.values()].map((m) => ({
      nodeId: m.nodeId,
      signingKey: hexToBytes(m.signingKey),
      encryptionKey: hexToBytes(m.encryptionKey),
    }));
  }
}

function body(c: Committee): unknown {
  const { signatures: _s, ...rest } = c;
  return rest;
}
