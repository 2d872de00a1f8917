import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { evaluateRules, RULES } from '../../src/rules/index.ts';
import type { Rule } from '../../src/types.ts';
import { makeContext } from './context.ts';

describe('rule catalogue', () => {
  it('ids are unique kebab-case and every rule has a description', () => {
    const ids = RULES.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const rule of RULES) {
      assert.match(rule.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(rule.description.length > 20, rule.id);
    }
  });

  it('every rule module has its own test file', () => {
    const covered: Record<string, string> = {
      'simulation-unavailable': 'simulation',
      'simulation-disagreement': 'simulation',
      'simulation-reverted': 'simulation',
      'typed-data-chain-mismatch': 'typed-data-review',
      'unrecognized-typed-data': 'typed-data-review',
    };
    for (const rule of RULES) {
      const file = join(import.meta.dirname, `${covered[rule.id] ?? rule.id}.test.ts`);
      assert.ok(existsSync(file), `missing test for ${rule.id}`);
    }
  });

  it('an empty, successful simulation yields no findings at all', () => {
    assert.deepEqual(evaluateRules(makeContext()), []);
  });

  it('a rule that throws becomes a high finding, not a crash (fail closed)', () => {
    const broken: Rule = {
      id: 'broken',
      description: 'always throws',
      evaluate() {
        throw new Error('boom');
      },
    };
    const findings = evaluateRules(makeContext(), [broken]);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]?.severity, 'high');
    assert.equal(findings[0]?.evidence.error, 'boom');
  });
});
