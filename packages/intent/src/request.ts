// Validation of requests at the package boundary (API, CLI, signer node): addresses, hex data and
// amounts are checked and normalised (lowercase, decimal strings) before anything is simulated.
import { z } from 'zod';
import { IntentError } from './errors.ts';
import type { TransactionRequest, TypedDataRequest } from './types.ts';

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 0x-prefixed 20-byte hex address')
  .transform((a) => a.toLowerCase() as `0x${string}`);
const uint = z
  .union([
    z.bigint(),
    z.number().int().nonnegative(),
    z.string().regex(/^(0x[0-9a-fA-F]+|[0-9]+)$/, 'expected a decimal or 0x-hex integer'),
  ])
  .transform((v) => BigInt(v))
  .refine((v) => v >= 0n && v < 1n << 256n, 'out of uint256 range')
  .transform((v) => v.toString());
const hexData = z
  .string()
  .regex(/^0x([0-9a-fA-F]{2})*$/, 'expected 0x-prefixed hex bytes')
  .transform((h) => h.toLowerCase() as `0x${string}`);
const chainId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const transactionRequestSchema = z
  .object({
    kind: z.literal('transaction').default('transaction'),
    chainId,
    from: address,
    to: address.optional(),
    value: uint.default('0'),
    data: hexData.default('0x'),
    gas: uint.optional(),
    authorizationList: z
      .array(z.object({ chainId: z.number().int().nonnegative(), address, nonce: uint }).strict())
      .max(16)
      .optional(),
  })
  .strict();

/** Validates and normalises a transaction request; throws IntentError INVALID_INPUT. */
export function parseTransactionRequest(input: unknown): TransactionRequest {
  const r = parseWith(transactionRequestSchema, 'transaction request', input);
  const out: TransactionRequest = {
    kind: 'transaction',
    chainId: r.chainId,
    from: r.from,
    value: r.value,
    data: r.data,
  };
  if (r.to) out.to = r.to;
  if (r.gas) out.gas = r.gas;
  if (r.authorizationList) out.authorizationList = r.authorizationList;
  return out;
}

export const typedDataRequestSchema = z
  .object({
    kind: z.literal('typed-data').default('typed-data'),
    chainId,
    signer: address,
    typedData: z.object({
      domain: z.record(z.string(), z.unknown()),
      types: z.record(z.string(), z.array(z.object({ name: z.string(), type: z.string() }))),
      primaryType: z.string().min(1),
      message: z.record(z.string(), z.unknown()),
    }),
  })
  .strict();

/** Validates the envelope of a typed-data request (the message itself is checked by src/typed-data). */
export function parseTypedDataRequest(input: unknown): TypedDataRequest {
  return parseWith(typedDataRequestSchema, 'typed-data request', input) as TypedDataRequest;
}

/** Parses `input` with `schema`; the first issue becomes IntentError INVALID_INPUT about `what`. */
function parseWith<S extends z.ZodType>(schema: S, what: string, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new IntentError(
      'INVALID_INPUT',
      `${what}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
    );
  }
  return r.data;
}
