// The ABI registry: which ABI decodes a call to a given contract. Sources, most trusted first:
// 1. verified ABIs registered for the exact (chain, address) in data/abis/*.json;
// 2. Cairn's standard ABIs (standard-abis.ts) and name-only ABI files in data/abis/ (no addresses);
// 3. the 4-byte selector database data/selectors.json (signature text only: parameter names are
//    unknown and a selector can collide, so such decodings are marked source 'selector-db').
//
// data/abis/<name>.json: { "name": string, "addresses"?: { "<chainId>": ["0x…", …] }, "abi": [ … ] }
// data/selectors.json:  { "0x<8 hex>": ["transfer(address,uint256)", …], … } (functions and errors)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Abi, type AbiFunction, parseAbiItem, toFunctionSelector } from 'viem';
import { z } from 'zod';
import { IntentError } from '../errors.ts';
import type { Address, Hex } from '../types.ts';
import { STANDARD_ABIS } from './standard-abis.ts';

/** Where the shipped data lives (packages/intent/data). */
export const DATA_DIR = join(import.meta.dirname, '..', '..', 'data');

export interface AbiCandidate {
  /** Registry/standard ABI name. */
  abi: string;
  item: AbiFunction;
  source: 'abi' | 'selector-db';
}

const AbiFile = z.object({
  name: z.string().min(1).max(100),
  addresses: z.record(z.string().regex(/^\d+$/), z.array(z.string().regex(/^0x[0-9a-fA-F]{40}$/))).optional(),
  abi: z.array(z.record(z.string(), z.unknown())),
});

const SelectorFile = z.record(z.string().regex(/^0x[0-9a-f]{8}$/), z.array(z.string().min(3).max(2000)));

export interface AbiRegistryParameters {
  /** Directory with abis/ and selectors.json (default: the package's data/). */
  dataDir?: string;
}

export class AbiRegistry {
  /** chainId:address → function candidates by selector. */
  readonly #byAddress = new Map<string, Map<Hex, AbiCandidate[]>>();
  /** Standard and name-only ABIs by selector. */
  readonly #bySelector = new Map<Hex, AbiCandidate[]>();
  /** 4-byte database (signature text) by selector. */
  readonly #signatures = new Map<Hex, string[]>();
  /** Parsed selector-db functions, built on first use. */
  readonly #parsed = new Map<Hex, AbiCandidate[]>();
  /** Names of the ABI files loaded (for diagnostics). */
  readonly files: string[] = [];

  constructor(params: AbiRegistryParameters = {}) {
    for (const { name, abi } of STANDARD_ABIS) this.#index(this.#bySelector, name, abi);
    const dir = params.dataDir ?? DATA_DIR;
    let abiFiles: string[] = [];
    try {
      abiFiles = readdirSync(join(dir, 'abis'))
        .filter((f) => f.endsWith('.json'))
        .sort();
    } catch {
      // no registry files: standard ABIs only
    }
    for (const file of abiFiles) {
      const parsed = AbiFile.safeParse(readJson(join(dir, 'abis', file)));
      if (!parsed.success) {
        throw new IntentError(
          'INVALID_INPUT',
          `data/abis/${file}: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
        );
      }
      const { name, addresses } = parsed.data;
      const abi = parsed.data.abi as unknown as Abi;
      this.files.push(file);
      if (!addresses || Object.keys(addresses).length === 0) {
        this.#index(this.#bySelector, name, abi);
        continue;
      }
      for (const [chainId, list] of Object.entries(addresses)) {
        for (const address of list) {
          const key = `${chainId}:${address.toLowerCase()}`;
          const map = this.#byAddress.get(key) ?? new Map<Hex, AbiCandidate[]>();
          this.#byAddress.set(key, map);
          this.#index(map, name, abi);
        }
      }
    }
    let selectors: unknown = {};
    try {
      selectors = readJson(join(dir, 'selectors.json'));
    } catch (error) {
      if ((error as { code?: string }).code !== 'ENOENT') throw error;
    }
    const parsed = SelectorFile.safeParse(selectors);
    if (!parsed.success) {
      throw new IntentError(
        'INVALID_INPUT',
        `data/selectors.json: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      );
    }
    for (const [selector, sigs] of Object.entries(parsed.data)) this.#signatures.set(selector as Hex, sigs);
  }

  #index(into: Map<Hex, AbiCandidate[]>, name: string, abi: Abi) {
    for (const item of abi) {
      if (item.type !== 'function') continue;
      const selector = toFunctionSelector(item);
      const list = into.get(selector) ?? [];
      list.push({ abi: name, item, source: 'abi' });
      into.set(selector, list);
    }
  }

  /** Candidate functions for `selector` on `address`, most trusted first. */
  candidates(chainId: number, address: Address | undefined, selector: Hex): AbiCandidate[] {
    const out: AbiCandidate[] = [];
    if (address) out.push(...(this.#byAddress.get(`${chainId}:${address}`)?.get(selector) ?? []));
    out.push(...(this.#bySelector.get(selector) ?? []));
    out.push(...this.#fromSignatures(selector));
    return out;
  }

  /** True when a verified ABI is registered for this exact contract. */
  hasVerifiedAbi(chainId: number, address: Address): boolean {
    return this.#byAddress.has(`${chainId}:${address}`);
  }

  #fromSignatures(selector: Hex): AbiCandidate[] {
    const cached = this.#parsed.get(selector);
    if (cached) return cached;
    const out: AbiCandidate[] = [];
    for (const sig of this.#signatures.get(selector) ?? []) {
      try {
        const item = parseAbiItem(`function ${sig}`) as AbiFunction;
        if (toFunctionSelector(item) === selector)
          out.push({ abi: 'selector-db', item, source: 'selector-db' });
      } catch {
        // a signature viem cannot parse (e.g. exotic tuple text) is skipped
      }
    }
    this.#parsed.set(selector, out);
    return out;
  }

  /** Signature text(s) known for a 4-byte selector (functions or custom errors). */
  signatures(selector: Hex): readonly string[] {
    return this.#signatures.get(selector) ?? [];
  }

  /** Name of a custom error or function by selector, for revert reasons and trace display. */
  nameOf(selector: Hex): string | undefined {
    const abi = this.#bySelector.get(selector)?.[0];
    if (abi) return `${abi.item.name}(${abi.item.inputs.map((i) => i.type).join(',')})`;
    return this.#signatures.get(selector)?.[0];
  }
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

let shared: AbiRegistry | undefined;

/** The registry over the package's shipped data, loaded once. */
export function defaultRegistry(): AbiRegistry {
  shared ??= new AbiRegistry();
  return shared;
}
