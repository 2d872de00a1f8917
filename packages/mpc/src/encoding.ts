// Canonical, injective binary encoding for protocol messages, transcripts and key material.
// Every variable-length field is prefixed with its length as a fixed-width big-endian u32, and
// every integer has a fixed width, so one value has exactly one encoding (no leading-zero
// ambiguity, no concatenation collisions in Fiat–Shamir transcripts).
import { MpcError } from './errors.ts';

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

export class Writer {
  #chunks: Uint8Array[] = [];
  #length = 0;

  #push(bytes: Uint8Array): this {
    this.#chunks.push(bytes);
    this.#length += bytes.length;
    return this;
  }

  u8(value: number): this {
    assertUint(value, 0xff, 'u8');
    return this.#push(Uint8Array.of(value));
  }

  u16(value: number): this {
    assertUint(value, 0xffff, 'u16');
    return this.#push(Uint8Array.of(value >>> 8, value & 0xff));
  }

  u32(value: number): this {
    assertUint(value, 0xffffffff, 'u32');
    const out = new Uint8Array(4);
    new DataView(out.buffer).setUint32(0, value);
    return this.#push(out);
  }

  u64(value: bigint): this {
    if (typeof value !== 'bigint' || value < 0n || value >= 1n << 64n) {
      throw new MpcError('OUT_OF_RANGE', `u64 out of range: ${String(value)}`);
    }
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigUint64(0, value);
    return this.#push(out);
  }

  /** Bytes whose length both sides know in advance (a point, a scalar): no prefix, length checked. */
  fixed(bytes: Uint8Array, length: number): this {
    if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
      throw new MpcError('INVALID_LENGTH', `expected ${length} bytes, got ${bytes?.length}`);
    }
    return this.#push(bytes);
  }

  /** Variable-length bytes, prefixed with a u32 length. */
  bytes(bytes: Uint8Array): this {
    this.u32(bytes.length);
    return this.#push(bytes);
  }

  string(value: string): this {
    return this.bytes(textEncoder.encode(value));
  }

  /** A list: u32 count, then each item written by `item`. */
  list<T>(items: readonly T[], item: (w: Writer, value: T) => void): this {
    this.u32(items.length);
    for (const value of items) item(this, value);
    return this;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.#length);
    let offset = 0;
    for (const chunk of this.#chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

export class Reader {
  readonly #bytes: Uint8Array;
  #offset = 0;

  constructor(bytes: Uint8Array) {
    if (!(bytes instanceof Uint8Array)) throw new MpcError('MALFORMED_MESSAGE', 'expected a byte array');
    this.#bytes = bytes;
  }

  #take(length: number): Uint8Array {
    if (this.#offset + length > this.#bytes.length) {
      throw new MpcError(
        'MALFORMED_MESSAGE',
        `truncated input: need ${length} bytes at offset ${this.#offset}`,
      );
    }
    const out = this.#bytes.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return out;
  }

  u8(): number {
    return this.#take(1)[0]!;
  }

  u16(): number {
    const b = this.#take(2);
    return (b[0]! << 8) | b[1]!;
  }

  u32(): number {
    const b = this.#take(4);
    return new DataView(b.buffer, b.byteOffset, 4).getUint32(0);
  }

  u64(): bigint {
    const b = this.#take(8);
    return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0);
  }

  fixed(length: number): Uint8Array {
    return this.#take(length).slice();
  }

  /** Reads u32-prefixed bytes; `max` bounds the length so a hostile prefix cannot exhaust memory. */
  bytes(max = 16 * 1024 * 1024): Uint8Array {
    const length = this.u32();
    if (length > max)
      throw new MpcError('MALFORMED_MESSAGE', `field of ${length} bytes exceeds limit ${max}`);
    return this.#take(length).slice();
  }

  string(max = 4096): string {
    try {
      return textDecoder.decode(this.bytes(max));
    } catch (error) {
      if (error instanceof MpcError) throw error;
      throw new MpcError('MALFORMED_MESSAGE', 'string is not valid UTF-8');
    }
  }

  list<T>(item: (r: Reader) => T, max = 65536): T[] {
    const count = this.u32();
    if (count > max) throw new MpcError('MALFORMED_MESSAGE', `list of ${count} items exceeds limit ${max}`);
    const out: T[] = [];
    for (let i = 0; i < count; i++) out.push(item(this));
    return out;
  }

  get remaining(): number {
    return this.#bytes.length - this.#offset;
  }

  /** Asserts every byte was consumed: trailing bytes would make two encodings mean one value. */
  end(): void {
    if (this.remaining !== 0)
      throw new MpcError('MALFORMED_MESSAGE', `${this.remaining} unexpected trailing bytes`);
  }
}

function assertUint(value: number, max: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new MpcError('OUT_OF_RANGE', `${what} out of range: ${value}`);
  }
}

/** Length-prefixed concatenation of labelled fields, for transcripts and hash inputs. */
export function encodeFields(domain: string, fields: readonly Uint8Array[]): Uint8Array {
  const w = new Writer().string(domain).u32(fields.length);
  for (const f of fields) w.bytes(f);
  return w.finish();
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
