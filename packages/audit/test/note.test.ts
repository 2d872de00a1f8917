// C2SP signed-note, tlog-checkpoint and tlog-cosignature formats.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  cosign,
  formatCheckpoint,
  formatNote,
  keyId,
  NoteSigner,
  openNote,
  parseCheckpoint,
  parseNote,
  parseVerifierKey,
  SIG_COSIGNATURE_V1,
  SIG_ED25519,
} from '../src/index.ts';

// The example of golang.org/x/mod/sumdb/note (the signed-note reference implementation).
const VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const SKEY_SEED_B64 = 'gQoUAtUUbI2E8kQzMPVAgOv5juF9nHT2JS/F1ccoMXM='; // from PRIVATE+KEY+PeterNeumann+c74f20a3+AYEK…
const TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const SIG =
  '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';

describe('signed notes (C2SP signed-note)', () => {
  it('verifies the Go reference note and reproduces its signature', () => {
    const key = parseVerifierKey(VKEY);
    assert.equal(key.keyId, 0xc74f20a3);
    const opened = openNote(`${TEXT}\n${SIG}`, [key]);
    assert.equal(opened.text, TEXT);
    assert.deepEqual(
      opened.verified.map((v) => v.name),
      ['PeterNeumann'],
    );
    const skeyRaw = Buffer.from('AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', 'base64');
    assert.equal(skeyRaw[0], SIG_ED25519);
    assert.equal(Buffer.from(skeyRaw.subarray(1)).toString('base64'), SKEY_SEED_B64);
    const signer = new NoteSigner({
      name: 'PeterNeumann',
      type: SIG_ED25519,
      secretKey: skeyRaw.subarray(1),
    });
    assert.equal(signer.verifierKey, VKEY);
    assert.equal(signer.signatureLine(TEXT), SIG); // Ed25519 is deterministic
  });

  it('rejects tampered text, a bad signature from a known key, and malformed notes', () => {
    const key = parseVerifierKey(VKEY);
    assert.throws(() => openNote(`${TEXT.replace('answer', 'Answer')}\n${SIG}`, [key]), {
      code: 'INVALID_SIGNATURE',
    });
    const badSig = SIG.replace('SffcvIAQ', 'SffcvIAR');
    assert.throws(
      () => openNote(`${TEXT}\n${badSig}`, [key]),
      /INVALID_SIGNATURE|does not verify|bad signature/,
    );
    // Unknown keys are ignored (signed-note §Signatures): nothing verified.
    const other = NoteSigner.generate('someone.else', SIG_ED25519);
    assert.equal(openNote(`${TEXT}\n${SIG}`, [parseVerifierKey(other.verifierKey)]).verified.length, 0);
    assert.throws(() => parseNote(TEXT), { code: 'MALFORMED_NOTE' });
    assert.throws(() => parseNote(`${TEXT}\n- PeterNeumann abc=\n`), { code: 'MALFORMED_NOTE' });
    assert.throws(() => parseNote(`${TEXT}\n${SIG}`.replace('\n', '\u0007\n')), { code: 'MALFORMED_NOTE' });
  });

  it('rejects malformed or mismatched verifier keys', () => {
    for (const bad of [
      'PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', // wrong id
      'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T', // short key
      'Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
      'PeterNeumann+c74f20a3',
      'PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
    ]) {
      assert.throws(() => parseVerifierKey(bad), { code: 'MALFORMED_KEY' }, bad);
    }
  });
});

describe('checkpoints and cosignatures (C2SP tlog-checkpoint, tlog-cosignature)', () => {
  const root = new Uint8Array(32).fill(7);
  it('formats and parses the checkpoint body', () => {
    const text = formatCheckpoint({ origin: 'example.com/log', size: 20852163, root, extensions: [] });
    assert.equal(text, `example.com/log\n20852163\n${Buffer.from(root).toString('base64')}\n`);
    assert.deepEqual(parseCheckpoint(text), {
      origin: 'example.com/log',
      size: 20852163,
      root,
      extensions: [],
    });
    for (const bad of [
      'example.com/log\n020\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n',
      'example.com/log\n20\nBwcH\n',
      'example.com/log\n20\n',
      'example.com/log\n-1\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n',
      'example.com/log\n20\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=',
    ]) {
      assert.throws(() => parseCheckpoint(bad), { code: 'MALFORMED_CHECKPOINT' }, bad);
    }
  });

  it('produces cosignature/v1 lines: key id type 0x04, timestamp, signature over the whole body', () => {
    const w = NoteSigner.generate('witness.example/w1', SIG_COSIGNATURE_V1);
    assert.equal(w.keyId, keyId('witness.example/w1', SIG_COSIGNATURE_V1, w.publicKey));
    assert.notEqual(w.keyId, keyId('witness.example/w1', SIG_ED25519, w.publicKey));
    const text = formatCheckpoint({ origin: 'example.com/log', size: 5, root, extensions: [] });
    const line = cosign(w, text, 1679315147n);
    const raw = Buffer.from(line.trim().split(' ')[2]!, 'base64');
    assert.equal(raw.length, 4 + 8 + 64);
    assert.equal(raw.readUInt32BE(0), w.keyId);
    assert.equal(raw.readBigUInt64BE(4), 1679315147n);
    const key = parseVerifierKey(w.verifierKey);
    const opened = openNote(formatNote(text, [line]), [key]);
    assert.equal(opened.verified[0]?.timestamp, 1679315147n);
    // The timestamp is signed: changing it breaks the cosignature.
    raw.writeBigUInt64BE(1679315148n, 4);
    const forged = `— witness.example/w1 ${raw.toString('base64')}\n`;
    assert.throws(() => openNote(formatNote(text, [forged]), [key]), { code: 'INVALID_SIGNATURE' });
    // A cosignature is not a valid plain note signature, and vice versa (distinct key ids).
    assert.throws(() => cosign(NoteSigner.generate('x', SIG_ED25519), text, 1n), {
      code: 'INVALID_ARGUMENT',
    });
  });
});
