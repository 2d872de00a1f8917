// EIP-712 typed data (https://eips.ethereum.org/EIPS/eip-712) as wallets receive it through
// eth_signTypedData_v4: validated with zod for shape, then every message value checked against its
// declared type (address, uintN/intN range, bytesN length, bool, string, structs, arrays) so the
// analysers below can read values without guessing. Malformed input → IntentError INVALID_INPUT.
import { hashTypedData } from 'viem';
import { z } from 'zod';
import { IntentError } from '../errors.ts';
import type { Address, Hex, TypedData } from '../types.ts';

const fieldSchema = z.object({ name: z.string().min(1), type: z.string().min(1) }).strict();

export const typedDataSchema = z
  .object({
    domain: z
      .object({
        name: z.string().optional(),
        version: z.string().optional(),
        chainId: z
          .union([z.number().int().nonnegative(), z.string().regex(/^(0x[0-9a-fA-F]+|[0-9]+)$/)])
          .optional(),
        verifyingContract: z
          .string()
          .regex(/^0x[0-9a-fA-F]{40}$/)
          .optional(),
        salt: z
          .string()
          .regex(/^0x[0-9a-fA-F]{64}$/)
          .optional(),
      })
      .strict(),
    types: z.record(z.string(), z.array(fieldSchema)),
    primaryType: z.string().min(1),
    message: z.record(z.string(), z.unknown()),
  })
  .strict();

function invalid(message: string): IntentError {
  return new IntentError('INVALID_INPUT', `invalid typed data: ${message}`);
}

/** Reads an unsigned integer given as number, bigint, decimal string or 0x hex string. */
export function toBigInt(value: unknown, where = 'value'): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^(-?[0-9]+|0x[0-9a-fA-F]+)$/.test(value)) return BigInt(value);
  throw invalid(`${where} is not an integer`);
}

export function toAddress(value: unknown, where = 'value'): Address {
  if (typeof value === 'string' && /^0x[0-9a-fA-F]{40}$/.test(value)) return value.toLowerCase() as Address;
  throw invalid(`${where} is not an address`);
}

function checkValue(types: TypedData['types'], type: string, value: unknown, where: string): void {
  const array = /^(.*)\[(\d*)\]$/.exec(type);
  if (array) {
    if (!Array.isArray(value)) throw invalid(`${where} must be an array (${type})`);
    if (array[2] !== '' && value.length !== Number(array[2]))
      throw invalid(`${where} must have ${array[2]} items`);
    value.forEach((v, i) => {
      checkValue(types, array[1]!, v, `${where}[${i}]`);
    });
    return;
  }
  const struct = types[type];
  if (struct) {
    if (!value || typeof value !== 'object' || Array.isArray(value))
      throw invalid(`${where} must be a ${type} object`);
    const record = value as Record<string, unknown>;
    for (const field of struct) checkValue(types, field.type, record[field.name], `${where}.${field.name}`);
    return;
  }
  if (type === 'address') {
    toAddress(value, where);
    return;
  }
  if (type === 'bool') {
    if (typeof value !== 'boolean') throw invalid(`${where} must be a boolean`);
    return;
  }
  if (type === 'string') {
    if (typeof value !== 'string') throw invalid(`${where} must be a string`);
    return;
  }
  const int = /^(u?)int(\d*)$/.exec(type);
  if (int) {
    const bits = BigInt(int[2] || '256');
    const n = toBigInt(value, where);
    const [min, max] =
      int[1] === 'u' ? [0n, 2n ** bits - 1n] : [-(2n ** (bits - 1n)), 2n ** (bits - 1n) - 1n];
    if (n < min || n > max) throw invalid(`${where} is out of range for ${type}`);
    return;
  }
  const bytes = /^bytes(\d*)$/.exec(type);
  if (bytes) {
    if (typeof value !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(value))
      throw invalid(`${where} must be 0x hex`);
    if (bytes[1] !== '' && value.length !== 2 + 2 * Number(bytes[1]))
      throw invalid(`${where} must be ${type}`);
    return;
  }
  throw invalid(`${where} has unknown type ${type}`);
}

export interface ParsedTypedData {
  typedData: TypedData;
  /** The EIP-712 digest that would be signed. */
  hash: Hex;
  /** Domain chain id as a decimal string, when present. */
  chainId?: string;
  verifyingContract?: Address;
}

/** Validates typed data (shape, referenced types, every message value) and computes its digest. */
export function parseTypedData(input: unknown): ParsedTypedData {
  const parsed = typedDataSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(`${issue?.path.join('.') || 'input'}: ${issue?.message ?? 'unexpected shape'}`);
  }
  const typedData = parsed.data as TypedData;
  if (!typedData.types[typedData.primaryType] && typedData.primaryType !== 'EIP712Domain') {
    throw invalid(`primaryType ${typedData.primaryType} is not defined in types`);
  }
  checkValue(typedData.types, typedData.primaryType, typedData.message, 'message');
  let hash: Hex;
  try {
    hash = hashTypedData(typedData as Parameters<typeof hashTypedData>[0]).toLowerCase() as Hex;
  } catch (cause) {
    throw new IntentError(
      'INVALID_INPUT',
      `invalid typed data: cannot be hashed (${(cause as Error).message.split('\n')[0]})`,
      {
        cause,
      },
    );
  }
  const chainId = typedData.domain.chainId;
  return {
    typedData,
    hash,
    ...(chainId !== undefined ? { chainId: toBigInt(chainId, 'domain.chainId').toString() } : {}),
    ...(typedData.domain.verifyingContract
      ? { verifyingContract: toAddress(typedData.domain.verifyingContract, 'domain.verifyingContract') }
      : {}),
  };
}

/** Field of a message object (typed data values are plain JSON). */
export function field(record: unknown, name: string): unknown {
  return record && typeof record === 'object' ? (record as Record<string, unknown>)[name] : undefined;
}
