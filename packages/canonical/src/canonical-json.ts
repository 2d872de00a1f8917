// Canonical JSON for signed statements (requests, approvals, policies, intent reports, audit
// entries): one byte string per value, so a signature or digest over it is unambiguous.
// It follows RFC 8785 (JCS) for the values Cairn allows — object keys sorted by UTF-16 code
// units, no whitespace, JSON.stringify string escaping — and is stricter: numbers must be safe
// integers (amounts and other big values are decimal strings, never floats), bigint values are
// written as decimal strings, Uint8Array as 0x-prefixed lowercase hex, and undefined, functions,
// symbols, NaN, Infinity, non-plain objects and cycles are rejected.

export type CanonicalValue =
  | null
  | boolean
  | number
  | string
  | bigint
  | Uint8Array
  | readonly CanonicalValue[]
  | { readonly [key: string]: CanonicalValue | undefined };

export class CanonicalJsonError extends Error {
  readonly code = 'NOT_CANONICAL' as const;
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path || '(root)'}: ${message}`);
    this.name = 'CanonicalJsonError';
    this.path = path;
  }
}

const hex = (bytes: Uint8Array) => {
  let out = '0x';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
};

function write(value: unknown, path: string, seen: Set<object>, out: string[]): void {
  if (value === null) return void out.push('null');
  switch (typeof value) {
    case 'boolean':
      return void out.push(value ? 'true' : 'false');
    case 'string':
      if (!value.isWellFormed()) throw new CanonicalJsonError(path, 'string contains a lone surrogate');
      return void out.push(JSON.stringify(value));
    case 'bigint':
      return void out.push(JSON.stringify(value.toString()));
    case 'number':
      if (!Number.isSafeInteger(value)) {
        throw new CanonicalJsonError(path, `number ${value} is not a safe integer (use a decimal string)`);
      }
      return void out.push(Object.is(value, -0) ? '0' : String(value));
    case 'object':
      break;
    default:
      throw new CanonicalJsonError(path, `${typeof value} is not allowed`);
  }
  const obj = value as object;
  if (obj instanceof Uint8Array) return void out.push(JSON.stringify(hex(obj)));
  if (seen.has(obj)) throw new CanonicalJsonError(path, 'cycle');
  seen.add(obj);
  if (Array.isArray(obj)) {
    out.push('[');
    obj.forEach((item, i) => {
      if (i > 0) out.push(',');
      if (item === undefined) throw new CanonicalJsonError(`${path}[${i}]`, 'undefined is not allowed');
      write(item, `${path}[${i}]`, seen, out);
    });
    out.push(']');
  } else {
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) {
      throw new CanonicalJsonError(path, `${proto?.constructor?.name ?? 'object'} is not a plain object`);
    }
    // Keys sorted by UTF-16 code units (RFC 8785 §3.2.3); undefined members are omitted.
    const keys = Object.keys(obj)
      .filter((k) => (obj as Record<string, unknown>)[k] !== undefined)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    out.push('{');
    keys.forEach((k, i) => {
      if (i > 0) out.push(',');
      if (!k.isWellFormed()) throw new CanonicalJsonError(path, 'key contains a lone surrogate');
      out.push(JSON.stringify(k), ':');
      write((obj as Record<string, unknown>)[k], path ? `${path}.${k}` : k, seen, out);
    });
    out.push('}');
  }
  seen.delete(obj);
}

/** The canonical JSON text of `value`. Throws CanonicalJsonError for values it does not allow. */
export function canonicalize(value: unknown): string {
  const out: string[] = [];
  write(value, '', new Set(), out);
  return out.join('');
}

const encoder = new TextEncoder();

/** UTF-8 bytes of the canonical JSON text. */
export function canonicalBytes(value: unknown): Uint8Array {
  return encoder.encode(canonicalize(value));
}

/**
 * Bytes to sign for a statement: a domain tag (e.g. `cairn/sign-request/v1`) and the canonical
 * JSON, joined by a NUL that can appear in neither, so a signature made for one kind of
 * statement can never be presented as another.
 */
export function signingBytes(domain: string, value: unknown): Uint8Array {
  if (!/^[a-z0-9][a-z0-9./_-]*$/.test(domain)) throw new CanonicalJsonError('', `bad domain tag ${domain}`);
  return encoder.encode(`${domain}\u0000${canonicalize(value)}`);
}
