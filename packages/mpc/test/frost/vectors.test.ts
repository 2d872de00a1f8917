// RFC 9591 Appendix E test vectors, through Cairn's round functions and through a full
// protocol run (RoundProtocol + runProtocol) with the vectors' nonce randomness injected.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { frost, frostEd25519, frostSecp256k1, type KeyShare, type PartyId, runProtocol } from '@cairn/mpc';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';

// The official vectors, copied verbatim from the project's shared/vectors/frost so a clean
// checkout is self-contained; where shared/ sits beside the checkout (as in CI), the copies are
// checked to be identical to it.
const dir = join(import.meta.dirname, 'vectors');
const sharedDir = join(import.meta.dirname, '../../../../../shared/vectors/frost');

describe('RFC 9591 vector files', () => {
  it('are the official files', () => {
    for (const name of ['frost-ed25519-sha512.json', 'frost-secp256k1-sha256.json']) {
      const ours = readFileSync(join(dir, name), 'utf8');
      assert.ok(ours.includes('"name"'), name);
      if (existsSync(join(sharedDir, name)))
        assert.equal(ours, readFileSync(join(sharedDir, name), 'utf8'), name);
    }
  });
});

interface Vector {
  config: { MIN_PARTICIPANTS: string; MAX_PARTICIPANTS: string; name: string };
  inputs: {
    participant_list: number[];
    group_secret_key: string;
    group_public_key: string;
    message: string;
    participant_shares: { identifier: number; participant_share: string }[];
  };
  round_one_outputs: {
    outputs: {
      identifier: number;
      hiding_nonce_randomness: string;
      binding_nonce_randomness: string;
      hiding_nonce: string;
      binding_nonce: string;
      hiding_nonce_commitment: string;
      binding_nonce_commitment: string;
      binding_factor_input: string;
      binding_factor: string;
    }[];
  };
  round_two_outputs: { outputs: { identifier: number; sig_share: string }[] };
  final_output: { sig: string };
}

const cases = [
  { file: 'frost-ed25519-sha512.json', suite: frost.ed25519Suite, scheme: frostEd25519 },
  { file: 'frost-secp256k1-sha256.json', suite: frost.secp256k1Suite, scheme: frostSecp256k1 },
] as const;

for (const { file, suite, scheme } of cases) {
  const v = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Vector;
  const hex = (b: Uint8Array) => bytesToHex(b);
  const scalar = (h: string) => suite.deserializeScalar(hexToBytes(h));
  const shareOf = (id: number) =>
    scalar(v.inputs.participant_shares.find((s) => s.identifier === id)!.participant_share);
  const message = hexToBytes(v.inputs.message);
  const groupPublicKey = hexToBytes(v.inputs.group_public_key);
  const verifyingShares = new Map<PartyId, Uint8Array>(
    v.inputs.participant_shares.map((s) => [
      s.identifier,
      suite.serializeElement(suite.Point.BASE.multiply(scalar(s.participant_share))),
    ]),
  );

  describe(`RFC 9591 vectors: ${v.config.name} through Cairn`, () => {
    it('group key is the image of the group secret', () => {
      const pk = suite.serializeElement(suite.Point.BASE.multiply(scalar(v.inputs.group_secret_key)));
      assert.equal(hex(pk), v.inputs.group_public_key);
    });

    const round1 = v.round_one_outputs.outputs.map((o) =>
      frost.commit({
        suite,
        identifier: o.identifier,
        signingShare: shareOf(o.identifier),
        hidingRandomness: hexToBytes(o.hiding_nonce_randomness),
        bindingRandomness: hexToBytes(o.binding_nonce_randomness),
      }),
    );

    it('round one: nonce_generate and commit (§4.1, §5.1)', () => {
      v.round_one_outputs.outputs.forEach((o, i) => {
        const c = round1[i]!;
        assert.equal(hex(suite.serializeScalar(c.nonces.hiding)), o.hiding_nonce);
        assert.equal(hex(suite.serializeScalar(c.nonces.binding)), o.binding_nonce);
        assert.equal(hex(c.commitment.hiding), o.hiding_nonce_commitment);
        assert.equal(hex(c.commitment.binding), o.binding_nonce_commitment);
      });
    });

    it('binding factors (§4.4)', () => {
      const { factors, inputs } = frost.computeBindingFactors(
        suite,
        groupPublicKey,
        round1.map((c) => c.commitment),
        message,
      );
      v.round_one_outputs.outputs.forEach((o, i) => {
        assert.equal(hex(inputs[i]!), o.binding_factor_input);
        assert.equal(hex(suite.serializeScalar(factors[i]!)), o.binding_factor);
      });
    });

    const commitments = round1.map((c) => c.commitment);
    it('round two: signature shares (§5.2)', () => {
      v.round_two_outputs.outputs.forEach((o, i) => {
        const z = frost.signShare({
          suite,
          identifier: o.identifier,
          signingShare: shareOf(o.identifier),
          nonces: round1[i]!.nonces,
          commitments,
          message,
          groupPublicKey,
        });
        assert.equal(hex(z), o.sig_share);
      });
    });

    it('aggregate (§5.3) gives the final signature, which verifies', () => {
      const sig = frost.aggregate({
        suite,
        groupPublicKey,
        commitments,
        message,
        signatureShares: v.round_two_outputs.outputs.map((o) => ({
          identifier: o.identifier,
          share: hexToBytes(o.sig_share),
        })),
        verifyingShares,
      });
      assert.equal(hex(sig), v.final_output.sig);
      assert.ok(suite.verify(groupPublicKey, message, sig));
    });

    it('aggregate names the signer whose share is invalid (§5.4)', () => {
      const bad = v.round_two_outputs.outputs.map((o) => ({
        identifier: o.identifier,
        share: hexToBytes(o.sig_share),
      }));
      bad[1]!.share[0]! ^= 1;
      assert.throws(
        () =>
          frost.aggregate({
            suite,
            groupPublicKey,
            commitments,
            message,
            signatureShares: bad,
            verifyingShares,
          }),
        (e: unknown) =>
          e instanceof Error &&
          (e as { code?: string }).code === 'INVALID_SHARE' &&
          (e as { culprit?: number }).culprit === bad[1]!.identifier,
      );
    });

    it('a full protocol run with the vector randomness produces the vector signature', () => {
      const signers = v.inputs.participant_list;
      const parties = v.inputs.participant_shares.map((s) => s.identifier);
      const shares = new Map<PartyId, KeyShare>(
        signers.map((id) => [
          id,
          frost.importKeyShare({
            suite,
            party: id,
            parties,
            threshold: Number(v.config.MIN_PARTICIPANTS),
            groupPublicKey,
            signingShare: suite.serializeScalar(shareOf(id)),
            verifyingShares,
          }),
        ]),
      );
      const sessionId = new Uint8Array(32).fill(7);
      const protocols = signers.map((id) => {
        const o = v.round_one_outputs.outputs.find((x) => x.identifier === id)!;
        const queue = [hexToBytes(o.hiding_nonce_randomness), hexToBytes(o.binding_nonce_randomness)];
        return scheme.sign({
          sessionId,
          share: shares.get(id)!,
          signers,
          message,
          random: (n) => {
            const next = queue.shift();
            assert.ok(next && next.length === n);
            return next;
          },
        });
      });
      const out = runProtocol({ parties: protocols });
      for (const sig of out.values()) {
        assert.equal(hex(sig.bytes), v.final_output.sig);
        assert.equal(hex(sig.publicKey), v.inputs.group_public_key);
      }
    });
  });
}
