// The initiator's signed request (docs/agents/SIGNING-PATH.md "Shared formats"): what to sign,
// on which chain, under which derivation path, with a nonce and an expiry, signed by the
// initiator's Ed25519 key under domain `cairn/sign-request/v1`. Every signer node verifies it
// itself and recomputes the signing payload from `transaction` / `typedData` / `message`.
import { digestOf } from '@cairn/canonical';
import { z } from 'zod';
import {
  decimalString,
  ed25519PublicKey,
  ed25519Signature,
  identifier,
  nonceHex,
  unixSeconds,
} from './encoding.ts';
import { StatementError } from './errors.ts';
import { type Hex, publicKeyOf, signStatement, verifyStatement } from './signature.ts';

export const SIGN_REQUEST_DOMAIN = 'cairn/sign-request/v1';

const evmAddress = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 20-byte 0x-hex address');
const evmData = z.string().regex(/^0x([0-9a-fA-F]{2})*$/, 'expected 0x-hex bytes');
const chainIdSchema = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** An unsigned EIP-1559 transaction (amounts as decimal strings). */
export const eip1559TransactionSchema = z.strictObject({
  type: z.literal('eip1559'),
  chainId: chainIdSchema,
  nonce: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  to: evmAddress,
  value: decimalString,
  data: evmData,
  gas: decimalString,
  maxFeePerGas: decimalString,
  maxPriorityFeePerGas: decimalString,
});
export type Eip1559Transaction = z.infer<typeof eip1559TransactionSchema>;

/** EIP-712 typed data as JSON (integers as safe numbers or decimal strings). */
export const typedDataSchema = z.strictObject({
  types: z.record(
    z.string(),
    z.array(z.strictObject({ name: z.string().min(1).max(256), type: z.string().min(1).max(256) })),
  ),
  primaryType: z.string().min(1).max(256),
  domain: z.strictObject({
    name: z.string().max(256).optional(),
    version: z.string().max(256).optional(),
    chainId: z.union([chainIdSchema, decimalString]).optional(),
    verifyingContract: evmAddress.optional(),
    salt: z
      .string()
      .regex(/^0x[0-9a-fA-F]{64}$/)
      .optional(),
  }),
  message: z.record(z.string(), z.unknown()),
});
export type TypedDataJson = z.infer<typeof typedDataSchema>;

export const signRequestKinds = [
  'evm.transaction',
  'evm.typed-data',
  'evm.personal-message',
  'ed25519.message',
] as const;
export type SignRequestKind = (typeof signRequestKinds)[number];

/**
 * `ed25519.message` (an arbitrary message signed as is by a `frost-ed25519` vault) is bound to
 * no chain: its `chainId` must be this value. Every EVM kind needs a chain id of at least 1.
 */
export const NO_CHAIN_ID = 0;
const PAYLOAD_FIELD: Record<SignRequestKind, 'transaction' | 'typedData' | 'message'> = {
  'evm.transaction': 'transaction',
  'evm.typed-data': 'typedData',
  'evm.personal-message': 'message',
  'ed25519.message': 'message',
};
/** Largest `ed25519.message` message, in bytes (the size a sign job's payload may have). */
export const MAX_RAW_MESSAGE_BYTES = 1024;

export const signRequestBodySchema = z
  .strictObject({
    requestId: z.uuid(),
    vaultId: identifier,
    idempotencyKey: z.string().min(1).max(128),
    kind: z.enum(signRequestKinds),
    /** EVM chain id (at least 1); NO_CHAIN_ID (0) for `ed25519.message`. */
    chainId: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    /** Non-hardened BIP-32 path below the vault key. */
    derivationPath: z
      .array(
        z
          .number()
          .int()
          .min(0)
          .max(2 ** 31 - 1),
      )
      .max(16),
    transaction: eip1559TransactionSchema.optional(),
    typedData: typedDataSchema.optional(),
    message: evmData.optional(),
    nonce: nonceHex,
    createdAt: unixSeconds,
    expiresAt: unixSeconds,
  })
  .superRefine((body, ctx) => {
    const present = (['transaction', 'typedData', 'message'] as const).filter((f) => body[f] !== undefined);
    if (present.length !== 1 || present[0] !== PAYLOAD_FIELD[body.kind]) {
      ctx.addIssue({
        code: 'custom',
        message: `kind ${body.kind} needs exactly one payload field, ${PAYLOAD_FIELD[body.kind]} (got: ${present.join(', ') || 'none'})`,
        path: ['kind'],
      });
    }
    if (body.kind === 'ed25519.message') {
      if (body.chainId !== NO_CHAIN_ID) {
        ctx.addIssue({
          code: 'custom',
          message: `ed25519.message requests are bound to no chain: chainId must be ${NO_CHAIN_ID}`,
          path: ['chainId'],
        });
      }
      const bytes = body.message === undefined ? 0 : (body.message.length - 2) / 2;
      if (body.message !== undefined && (bytes < 1 || bytes > MAX_RAW_MESSAGE_BYTES)) {
        ctx.addIssue({
          code: 'custom',
          message: `an ed25519.message message must be 1 to ${MAX_RAW_MESSAGE_BYTES} bytes`,
          path: ['message'],
        });
      }
    } else if (body.chainId < 1) {
      ctx.addIssue({
        code: 'custom',
        message: `kind ${body.kind} needs a chainId of at least 1`,
        path: ['chainId'],
      });
    }
    if (body.expiresAt <= body.createdAt) {
      ctx.addIssue({ code: 'custom', message: 'expiresAt must be after createdAt', path: ['expiresAt'] });
    }
  });
export type SignRequestBody = z.infer<typeof signRequestBodySchema>;

export const signedRequestSchema = z.strictObject({
  body: signRequestBodySchema,
  /** The initiator's Ed25519 public key. */
  initiator: ed25519PublicKey,
  signature: ed25519Signature,
});
export type SignedRequest = z.infer<typeof signedRequestSchema>;

/** Signs a request body with the initiator's Ed25519 secret key. */
export function signSignRequest(body: SignRequestBody, initiatorSecretKey: Uint8Array): SignedRequest {
  const parsed = parseSignRequestBody(body);
  return {
    body: parsed,
    initiator: publicKeyOf(initiatorSecretKey),
    signature: signStatement(SIGN_REQUEST_DOMAIN, parsed, initiatorSecretKey),
  };
}

/** True when `signature` is the initiator's valid signature over `body`. */
export function verifySignedRequest(request: SignedRequest): boolean {
  return verifyStatement(SIGN_REQUEST_DOMAIN, request.body, request.initiator, request.signature);
}

/** Stable digest of a request body (for audit entries, dedupe and references). */
export function signRequestDigest(body: SignRequestBody): Hex {
  return digestOf(SIGN_REQUEST_DOMAIN, body);
}

export function parseSignRequestBody(input: unknown): SignRequestBody {
  return parseWith(signRequestBodySchema, input, 'sign request body');
}

export function parseSignedRequest(input: unknown): SignedRequest {
  return parseWith(signedRequestSchema, input, 'signed request');
}

/** Parses with a zod schema; failures become StatementError('INVALID_STATEMENT') with a readable message. */
export function parseWith<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (!result.success) {
    const detail = result.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new StatementError('INVALID_STATEMENT', `invalid ${what}: ${detail}`);
  }
  return result.data;
}
