// The on-disk format of Cairn's address lists, validated with zod. One format for all three kinds:
//
//   { "entries": [ { "address": "0x…", "label": "Treasury cold wallet" },
//                  { "address": "0x…", "reason": "drainer (source: threat-intel feed X)" } ] }
//
// Threat-intel feeds are often a bare JSON array of addresses; that shape is accepted too
// (`["0x…", "0x…"]`), every entry then gets the reason "listed in <file>".
import { z } from 'zod';
import type { Address, ListEntry } from '../types.ts';
import { ListError } from './errors.ts';

const addressSchema = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 0x-prefixed 20-byte hex address')
  .transform((a) => a.toLowerCase() as Address);

const entrySchema = z
  .object({
    address: addressSchema,
    label: z.string().min(1).max(200).optional(),
    reason: z.string().min(1).max(500).optional(),
    source: z.string().min(1).max(200).optional(),
  })
  .strict();

const listFileSchema = z.union([
  z.object({ entries: z.array(entrySchema) }).strict(),
  z.array(addressSchema),
]);

/** Parses and validates the text of a list file; `path` names it in errors and default reasons. */
export function parseListFile(text: string, path: string): ListEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ListError('LIST_FILE_INVALID', path, `list file ${path} is not valid JSON`, { cause });
  }
  const parsed = listFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new ListError(
      'LIST_FILE_INVALID',
      path,
      `list file ${path} is invalid${where}: ${issue?.message ?? 'unexpected shape'} ` +
        '(expected {"entries":[{"address":"0x…","label"?,"reason"?}]} or an array of addresses)',
    );
  }
  if (Array.isArray(parsed.data)) {
    return parsed.data.map((address) => ({ address, reason: `listed in ${path}` }));
  }
  return parsed.data.entries.map((e) => ({
    address: e.address,
    ...(e.label !== undefined ? { label: e.label } : {}),
    ...(e.reason !== undefined || e.source !== undefined
      ? { reason: [e.reason, e.source ? `source: ${e.source}` : undefined].filter(Boolean).join('; ') }
      : {}),
  }));
}
