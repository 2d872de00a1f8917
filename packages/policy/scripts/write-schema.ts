// Regenerates packages/policy/schema/policy.schema.json from the zod schema.
// Run: node_modules/.bin/node packages/policy/scripts/write-schema.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { policyJsonSchemaText } from '../src/json-schema.ts';

const file = join(import.meta.dirname, '..', 'schema', 'policy.schema.json');
writeFileSync(file, policyJsonSchemaText());
process.stdout.write(`wrote ${file}\n`);
