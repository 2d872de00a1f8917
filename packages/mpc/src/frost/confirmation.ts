// Key-generation confirmation: the last round of DKG, refresh and reshare. Every party that
// computed a new share broadcasts a digest binding session, protocol, scheme, group key,
// version, committee, threshold and every verifying share, and finishes only once every other
// holder of a new share has confirmed the same digest. A tampered or dropped message in an
// earlier round therefore leaves every party unfinished (the one that saw it aborts and never
// confirms), instead of some parties storing a share the others never got.
import { sha256 } from '@noble/hashes/sha2.js';
import { encodeFields, equalBytes, Reader, Writer } from '../encoding.ts';
import { blame, ProtocolAbortError } from '../errors.ts';
import type { PartyId } from '../party.ts';

/** The public description of a key generation that every party must agree on. */
export interface GenerationSummary {
  readonly publicKey: Uint8Array;
  readonly version: number;
  readonly parties: readonly PartyId[];
  readonly threshold: number;
  /** Encoded verifying shares of the whole committee (KeyShare.publicState). */
  readonly publicState: Uint8Array;
}

/** SHA-256 over session id, protocol (includes the scheme) and the generation summary. */
export function confirmationDigest(
  sessionId: Uint8Array,
  protocol: string,
  g: GenerationSummary,
): Uint8Array {
  return sha256(
    encodeFields('cairn/frost/confirm/v1', [
      sessionId,
      new TextEncoder().encode(protocol),
      g.publicKey,
      new Writer()
        .u32(g.version)
        .u16(g.threshold)
        .list(g.parties, (w, p) => w.u16(p))
        .finish(),
      g.publicState,
    ]),
  );
}

/** The confirmation message payload. */
export const confirmationPayload = (digest: Uint8Array): Uint8Array =>
  new Writer().fixed(digest, 32).finish();

/**
 * Checks every received confirmation against this party's own digest. A malformed payload
 * blames its sender; a different digest aborts with INCONSISTENT_BROADCAST and no culprit
 * (the receiver cannot tell whether the sender or an earlier message was at fault).
 */
export function checkConfirmations(inbox: ReadonlyMap<PartyId, Uint8Array>, digest: Uint8Array): void {
  for (const [from, payload] of inbox) {
    blame(from, () => {
      const r = new Reader(payload);
      const theirs = r.fixed(32);
      r.end();
      if (!equalBytes(theirs, digest)) {
        throw new ProtocolAbortError({
          code: 'INCONSISTENT_BROADCAST',
          culprit: null,
          message: `party ${from} computed a different key generation (key, committee or verifying shares)`,
        });
      }
    });
  }
}
