// The policy document: validation, canonical hashing, the published JSON Schema.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  documentHash,
  PolicyError,
  parseGovernedState,
  parseHistory,
  parsePolicyDocument,
  parsePolicyRequest,
  policyJsonSchemaText,
} from '../src/index.ts';
import { allow, CONTEXT, doc } from './fixtures.ts';

const base = {
  format: 'cairn.policy/v1',
  version: 1,
  name: 'n',
  timezone: 'UTC',
  pricing: { maxAgeSeconds: 60 },
  rules: [],
};
const examples = join(import.meta.dirname, '..', 'examples');

function invalid(value: unknown): string[] {
  try {
    parsePolicyDocument(value);
  } catch (e) {
    assert.ok(e instanceof PolicyError && e.code === 'INVALID_DOCUMENT');
    return [...e.details];
  }
  assert.fail('expected the document to be invalid');
}

describe('policy document', () => {
  it('accepts the minimal document', () => {
    assert.deepEqual(parsePolicyDocument(base).rules, []);
  });
  const bad: [string, unknown, RegExp][] = [
    ['unknown top-level key', { ...base, extra: 1 }, /Unrecognized key/],
    [
      'unknown condition (typo)',
      { ...base, rules: [{ id: 'a', when: { amuont: { gt: '1' } }, action: { type: 'allow' } }] },
      /Unrecognized key/,
    ],
    [
      'float amount',
      { ...base, rules: [{ id: 'a', when: { amount: { gt: '1.5' } }, action: { type: 'allow' } }] },
      /amount\.gt/,
    ],
    [
      'number amount',
      { ...base, rules: [{ id: 'a', when: { amount: { gt: 1 } }, action: { type: 'allow' } }] },
      /amount\.gt/,
    ],
    [
      'USD with 7 decimals',
      { ...base, rules: [{ id: 'a', when: { amountUsd: { gt: '1.0000001' } }, action: { type: 'allow' } }] },
      /amountUsd\.gt/,
    ],
    [
      'empty bounds',
      { ...base, rules: [{ id: 'a', when: { amount: {} }, action: { type: 'allow' } }] },
      /at least one/,
    ],
    [
      'velocity count with a decimal',
      {
        ...base,
        rules: [
          {
            id: 'a',
            when: { velocity: [{ scope: 'vault', metric: 'count', windowSeconds: 60, gt: '1.5' }] },
            action: { type: 'allow' },
          },
        ],
      },
      /velocity\.0\.gt/,
    ],
    [
      'velocity without bounds',
      {
        ...base,
        rules: [
          {
            id: 'a',
            when: { velocity: [{ scope: 'vault', metric: 'count', windowSeconds: 60 }] },
            action: { type: 'allow' },
          },
        ],
      },
      /at least one/,
    ],
    ['duplicate rule ids', { ...base, rules: [allow('a'), allow('a')] }, /duplicate rule id/],
    ['bad time zone', { ...base, timezone: 'Mars/Olympus' }, /IANA/],
    [
      'from without to',
      { ...base, rules: [{ id: 'a', when: { time: { from: '09:00' } }, action: { type: 'allow' } }] },
      /both from and to/,
    ],
    [
      'bad time',
      {
        ...base,
        rules: [{ id: 'a', when: { time: { from: '25:00', to: '26:00' } }, action: { type: 'allow' } }],
      },
      /HH:MM/,
    ],
    [
      'block without reason',
      { ...base, rules: [{ id: 'a', when: {}, action: { type: 'block' } }] },
      /reason/,
    ],
    [
      'approvals without groups',
      {
        ...base,
        rules: [
          {
            id: 'a',
            when: {},
            action: { type: 'require_approvals', mode: 'all', groups: [], expiresInSeconds: 600 },
          },
        ],
      },
      /groups/,
    ],
    [
      'zero threshold',
      {
        ...base,
        rules: [
          {
            id: 'a',
            when: {},
            action: {
              type: 'require_approvals',
              mode: 'all',
              groups: [{ group: 'g', threshold: 0 }],
              expiresInSeconds: 600,
            },
          },
        ],
      },
      /threshold/,
    ],
    ['unknown action', { ...base, rules: [{ id: 'a', when: {}, action: { type: 'maybe' } }] }, /type/],
    ['id with spaces', { ...base, rules: [allow('a b')] }, /ids are/],
    ['wrong format', { ...base, format: 'cairn.policy/v2' }, /format/],
  ];
  for (const [name, value, re] of bad) {
    it(`rejects ${name}`, () => {
      const details = invalid(value);
      assert.ok(
        details.some((d) => re.test(d)),
        details.join('\n'),
      );
    });
  }
  it('hashes canonically: key order does not matter, content does', () => {
    const a = doc([allow('x', { kinds: ['transfer'], chains: ['eip155:1'] })]);
    const b = parsePolicyDocument(
      JSON.parse(
        JSON.stringify({
          rules: [
            { action: { type: 'allow' }, when: { chains: ['eip155:1'], kinds: ['transfer'] }, id: 'x' },
          ],
          pricing: { maxAgeSeconds: 300 },
          timezone: 'UTC',
          name: 'test',
          version: 1,
          format: 'cairn.policy/v1',
        }),
      ),
    );
    assert.equal(documentHash(a, CONTEXT), documentHash(b, CONTEXT));
    assert.notEqual(
      documentHash(a, CONTEXT),
      documentHash(doc([allow('x', { kinds: ['transfer'], chains: ['eip155:10'] })]), CONTEXT),
    );
    assert.notEqual(documentHash(a, CONTEXT), documentHash(a));
  });
  it('the published JSON Schema is up to date (regenerate: node packages/policy/scripts/write-schema.ts)', () => {
    const file = readFileSync(join(import.meta.dirname, '..', 'schema', 'policy.schema.json'), 'utf8');
    assert.equal(file, policyJsonSchemaText());
  });
  it('the JSON Schema rejects unknown keys and float amounts', () => {
    const schema = JSON.parse(policyJsonSchemaText());
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual(schema.required.sort(), ['format', 'name', 'pricing', 'rules', 'timezone', 'version']);
    assert.match(JSON.stringify(schema), /"pattern":"\^\(0\|\[1-9\]\[0-9\]\{0,77\}\)\$"/);
  });
});

describe('requests and example files', () => {
  it('requests accept ISO instants and reject floats and unknown keys', () => {
    const r = parsePolicyRequest({
      id: 'r',
      kind: 'transfer',
      initiator: 'a',
      vault: { id: 'v', tags: [] },
      chain: 'eip155:1',
      amount: '10',
      submittedAt: '2026-11-23T12:00:00.250+01:00',
    });
    assert.equal(r.submittedAt, Date.UTC(2026, 10, 23, 11, 0, 0, 250));
    assert.equal(r.amount, 10n);
    assert.throws(() => parsePolicyRequest({ ...r, amount: 1.5 }), /INVALID_REQUEST|amount/);
    assert.throws(() => parsePolicyRequest({ ...r, amount: '10', extra: true }), /Unrecognized/);
  });
  it('the example governed state is consistent and the history parses', () => {
    const state = parseGovernedState(JSON.parse(readFileSync(join(examples, 'state.json'), 'utf8')));
    assert.equal(state.policy.rules.length, 11);
    const h = parseHistory(readFileSync(join(examples, 'history.jsonl'), 'utf8'));
    assert.equal(h.length, 400);
    assert.throws(() => parseHistory('{"request": {}}\n'), /history line 1/);
    assert.throws(() => parseHistory('not json'), /history line 1: not JSON/);
  });
});
