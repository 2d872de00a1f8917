// Cross-checks with noble's RFC 9591 implementation, both ways: shares from Cairn's DKG sign
// through noble's FROST, and noble's DKG / trusted-dealer shares sign through Cairn.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  frost,
  type FrostScheme,
  frostEd25519,
  frostSecp256k1,
  frostTaproot,
  type KeyShare,
  type PartyId,
} from '@cairn/mpc';
import type { FROST, FrostPublic, Key } from '@noble/curves/abstract/frost.js';
import { ed25519, ed25519_FROST } from '@noble/curves/ed25519.js';
import { schnorr, schnorr_FROST, secp256k1_FROST } from '@noble/curves/secp256k1.js';
import { hexToBytes } from '@noble/hashes/utils.js';
import { runDkg, runRefresh, runReshare, runSign } from '../threshold-scheme.suite.ts';

const parties = [1, 2, 3];

const cases: {
  scheme: FrostScheme;
  noble: FROST;
  /** The standard verifier for a Cairn-format public key. */
  verify: (sig: Uint8Array, msg: Uint8Array, pk: Uint8Array) => boolean;
}[] = [
  {
    scheme: frostEd25519,
    noble: ed25519_FROST,
    verify: (s, m, pk) => ed25519.verify(s, m, pk, { zip215: false }),
  },
  { scheme: frostSecp256k1, noble: secp256k1_FROST, verify: (s, m, pk) => secp256k1_FROST.verify(s, m, pk) },
  { scheme: frostTaproot, noble: schnorr_FROST, verify: (s, m, pk) => schnorr.verify(s, m, pk) },
];

/** noble's view of a Cairn share (identifiers are noble's fromNumber(party)). */
function toNoble(f: FROST, scheme: FrostScheme, share: KeyShare): Key {
  const state = frost.loadKeyState(scheme.suite, share);
  const verifyingShares: Record<string, Uint8Array> = {};
  for (const [p, y] of state.verifyingShareBytes) verifyingShares[f.Identifier.fromNumber(p)] = y;
  const pub: FrostPublic = {
    signers: { min: share.threshold, max: share.parties.length },
    commitments: [state.PKElement],
    verifyingShares,
  } as FrostPublic;
  return {
    public: pub,
    secret: {
      identifier: f.Identifier.fromNumber(share.party),
      signingShare: scheme.suite.serializeScalar(state.secret),
    },
  } as Key;
}

/** A Cairn share from noble key material. */
function fromNoble(scheme: FrostScheme, f: FROST, key: Key, party: PartyId, t: number): KeyShare {
  const verifyingShares = new Map<PartyId, Uint8Array>(
    parties.map((p) => [p, key.public.verifyingShares[f.Identifier.fromNumber(p)]!]),
  );
  return frost.importKeyShare({
    suite: scheme.suite,
    party,
    parties,
    threshold: t,
    groupPublicKey: key.public.commitments[0]!,
    signingShare: key.secret.signingShare,
    verifyingShares,
  });
}

function nobleSign(f: FROST, keys: Key[], msg: Uint8Array): Uint8Array {
  const nonces = keys.map((k) => f.commit(k.secret));
  const commitments = nonces.map((n) => n.commitments);
  const shares: Record<string, Uint8Array> = {};
  keys.forEach((k, i) => {
    shares[k.secret.identifier] = f.signShare(k.secret, k.public, nonces[i]!.nonces, commitments, msg);
  });
  return f.aggregate(keys[0]!.public, commitments, msg, shares);
}

function cairnSign(scheme: FrostScheme, shares: KeyShare[], msg: Uint8Array): Uint8Array {
  return [...runSign(scheme, shares, msg).outputs.values()][0]!.bytes;
}

function nobleDkg(f: FROST, t: number): Key[] {
  const ids = parties.map((p) => f.Identifier.fromNumber(p));
  const r1 = ids.map((id) => f.DKG.round1(id, { min: t, max: parties.length }));
  const r2 = r1.map((me) =>
    f.DKG.round2(
      me.secret,
      r1.filter((o) => o !== me).map((o) => o.public),
    ),
  );
  return ids.map((id, i) =>
    f.DKG.round3(
      r1[i]!.secret,
      r1.filter((_, j) => j !== i).map((o) => o.public),
      r2.filter((_, j) => j !== i).map((m) => m[id]!),
    ),
  );
}

for (const c of cases) {
  describe(`${c.scheme.id} ⇄ noble FROST`, () => {
    it("Cairn DKG shares sign through noble's FROST", () => {
      const shares = runDkg(c.scheme, 2, parties);
      const pk = shares.get(1)!.publicKey;
      for (const subset of [
        [1, 2],
        [2, 3],
        [1, 3],
      ]) {
        const msg = new Uint8Array(randomBytes(32));
        const sig = nobleSign(
          c.noble,
          subset.map((p) => toNoble(c.noble, c.scheme, shares.get(p)!)),
          msg,
        );
        assert.ok(c.verify(sig, msg, pk), `noble signature by ${subset} verifies under the Cairn key`);
        assert.ok(c.scheme.verify({ publicKey: pk, message: msg, signature: sig }));
      }
    });

    it("refreshed and reshared Cairn shares still sign through noble's FROST", () => {
      const shares = runDkg(c.scheme, 2, parties);
      const pk = shares.get(1)!.publicKey;
      const fresh = runRefresh(c.scheme, [...shares.values()]);
      const msg = new Uint8Array(randomBytes(32));
      const sig = nobleSign(
        c.noble,
        [1, 3].map((p) => toNoble(c.noble, c.scheme, fresh.get(p)!)),
        msg,
      );
      assert.ok(c.verify(sig, msg, pk));
      const moved = runReshare(c.scheme, fresh, [2, 3, 4], 3);
      const sig2 = nobleSign(
        c.noble,
        [2, 3, 4].map((p) => toNoble(c.noble, c.scheme, moved.get(p)!)),
        msg,
      );
      assert.ok(c.verify(sig2, msg, pk));
    });

    it("noble's DKG shares sign through Cairn", () => {
      const keys = nobleDkg(c.noble, 2);
      const shares = keys.map((k, i) => fromNoble(c.scheme, c.noble, k, parties[i]!, 2));
      const msg = new Uint8Array(randomBytes(32));
      const sig = cairnSign(c.scheme, [shares[0]!, shares[2]!], msg);
      const pk = shares[0]!.publicKey;
      assert.ok(c.verify(sig, msg, pk));
      // noble's own signature with the same key verifies under the same Cairn public key.
      const nobleSig = nobleSign(c.noble, [keys[1]!, keys[2]!], msg);
      assert.ok(c.verify(nobleSig, msg, pk));
      if (c.scheme.id !== 'frost-taproot')
        assert.ok(c.noble.verify(sig, msg, keys[0]!.public.commitments[0]!));
    });

    it("noble's trusted-dealer shares (either parity of the key) sign through Cairn", () => {
      for (let round = 0; round < 3; round++) {
        const deal = c.noble.trustedDealer({ min: 2, max: 3 });
        const keys = parties.map((p) => ({
          public: deal.public,
          secret: deal.secretShares[c.noble.Identifier.fromNumber(p)]!,
        })) as Key[];
        const shares = keys.map((k, i) => fromNoble(c.scheme, c.noble, k, parties[i]!, 2));
        const msg = new Uint8Array(randomBytes(32));
        const sig = cairnSign(c.scheme, [shares[1]!, shares[2]!], msg);
        assert.ok(c.verify(sig, msg, shares[0]!.publicKey));
        const nobleSig = nobleSign(c.noble, [keys[0]!, keys[1]!], msg);
        assert.ok(c.verify(nobleSig, msg, shares[0]!.publicKey));
      }
    });
  });
}

describe('importKeyShare validation', () => {
  it('rejects a share that does not match its verifying share or the group key', () => {
    const f = ed25519_FROST;
    const deal = f.trustedDealer({ min: 2, max: 3 });
    const key = { public: deal.public, secret: deal.secretShares[f.Identifier.fromNumber(1)]! } as Key;
    const other = deal.secretShares[f.Identifier.fromNumber(2)]!;
    assert.throws(
      () =>
        fromNoble(
          frostEd25519,
          f,
          { ...key, secret: { ...key.secret, signingShare: other.signingShare } },
          1,
          2,
        ),
      /does not match its verifying share/,
    );
    const wrongKey = { ...key, public: { ...key.public, commitments: [hexToBytes(`58${'66'.repeat(31)}`)] } };
    assert.throws(() => fromNoble(frostEd25519, f, wrongKey as Key, 1, 2), /interpolate/);
  });
});
