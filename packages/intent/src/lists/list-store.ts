// Address book, allowlist and blocklist / threat-intel feeds loaded from JSON files and reloaded
// without restart (see reloading-file.ts). `snapshot()` gives the AddressLists a single analysis
// uses, so every rule of one request sees the same lists.
import type { Address, AddressLists } from '../types.ts';
import { parseListFile } from './list-file.ts';
import { ReloadingFile } from './reloading-file.ts';

export interface FileListStoreParameters {
  /** Address book: known counterparties with labels (poisoning look-alikes are checked against it). */
  addressBook?: string;
  /** Allowlist: spenders, operators and delegatecall targets trusted by the organisation. */
  allowlist?: string;
  /** Blocklist and threat-intel feeds (merged; the first reason seen for an address wins). */
  blocklists?: readonly string[];
}

export interface ListSource {
  snapshot(): AddressLists;
}

/** Lists from files, re-checked on every `snapshot()`. Throws ListError when a file is missing or invalid. */
export class FileListStore implements ListSource {
  readonly #addressBook: ReloadingFile<ReturnType<typeof parseListFile>> | undefined;
  readonly #allowlist: ReloadingFile<ReturnType<typeof parseListFile>> | undefined;
  readonly #blocklists: ReloadingFile<ReturnType<typeof parseListFile>>[];
  #cached: { key: string; lists: AddressLists } | undefined;

  constructor(params: FileListStoreParameters) {
    this.#addressBook = params.addressBook ? new ReloadingFile(params.addressBook, parseListFile) : undefined;
    this.#allowlist = params.allowlist ? new ReloadingFile(params.allowlist, parseListFile) : undefined;
    this.#blocklists = (params.blocklists ?? []).map((p) => new ReloadingFile(p, parseListFile));
  }

  snapshot(): AddressLists {
    const files = [this.#addressBook, this.#allowlist, ...this.#blocklists];
    const key = files.map((f) => (f ? f.version : '-')).join(',');
    if (this.#cached?.key === key) return this.#cached.lists;
    const addressBook = new Map<Address, string>();
    for (const e of this.#addressBook?.current() ?? []) addressBook.set(e.address, e.label ?? 'address book');
    const allowlist = new Set<Address>((this.#allowlist?.current() ?? []).map((e) => e.address));
    const blocklist = new Map<Address, string>();
    for (const file of this.#blocklists) {
      for (const e of file.current()) {
        if (!blocklist.has(e.address))
          blocklist.set(e.address, e.reason ?? e.label ?? `listed in ${file.path}`);
      }
    }
    const lists: AddressLists = { addressBook, allowlist, blocklist };
    this.#cached = { key, lists };
    return lists;
  }
}

/** Lists held in memory (tests, embedded callers that manage lists themselves). */
export function staticLists(params: {
  addressBook?: Readonly<Record<string, string>>;
  allowlist?: readonly string[];
  blocklist?: Readonly<Record<string, string>>;
}): AddressLists {
  const lower = (a: string) => a.toLowerCase() as Address;
  return {
    addressBook: new Map(Object.entries(params.addressBook ?? {}).map(([a, l]) => [lower(a), l])),
    allowlist: new Set((params.allowlist ?? []).map(lower)),
    blocklist: new Map(Object.entries(params.blocklist ?? {}).map(([a, r]) => [lower(a), r])),
  };
}
