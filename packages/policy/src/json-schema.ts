// The published JSON Schema of the policy document, derived from the zod schema that validates
// it (so the two cannot drift). schema/policy.schema.json is this output; a test keeps it current
// and `node packages/policy/scripts/write-schema.ts` regenerates it. Cross-field checks (unique
// rule ids, valid time zones, at least one bound) are enforced by the validator only.
import { z } from 'zod';
import { PolicyDocument } from './document.ts';

export const POLICY_SCHEMA_ID = 'https://cairn.dev/schema/policy/v1.json';

export function policyJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(PolicyDocument, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return {
    ...schema,
    $id: POLICY_SCHEMA_ID,
    title: 'Cairn policy document (cairn.policy/v1)',
    description:
      'Ordered rules, first match wins, implicit final BLOCK. Amounts are decimal strings (native units or USD), never floats. See docs/policy.md.',
  };
}

/** The schema file's exact text (2-space JSON, trailing newline). */
export function policyJsonSchemaText(): string {
  return `${JSON.stringify(policyJsonSchema(), null, 2)}\n`;
}
