// A file whose parsed value is reloaded, without restarting the process, whenever it changes on
// disk. Checked on every access (no fs.watch: deterministic, works on every filesystem):
//   1. stat the file; if size, mtime, ctime or inode differ from the loaded version → reload;
//   2. if the stat is unchanged but the file was modified less than RACY_WINDOW_MS before it was
//      loaded, it may have been rewritten within the filesystem's timestamp granularity
//      ("racily clean", as git calls it) → re-read and compare a SHA-256 of the content.
// Cost per access on an unchanged, settled file: one stat.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { ListError } from './errors.ts';

const RACY_WINDOW_MS = 2000;

interface Loaded<T> {
  value: T;
  stamp: string;
  mtimeMs: number;
  loadedAtMs: number;
  contentHash: string;
}

/** One watched file; `parse` turns its text into a value (and throws typed errors when invalid). */
export class ReloadingFile<T> {
  readonly path: string;
  readonly #parse: (text: string, path: string) => T;
  #loaded: Loaded<T> | undefined;
  #version = 0;

  constructor(path: string, parse: (text: string, path: string) => T) {
    this.path = path;
    this.#parse = parse;
  }

  /** Increases by one on every (re)load; lets callers cache values derived from several files. */
  get version(): number {
    this.current();
    return this.#version;
  }

  /** The parsed value of the file as it is on disk now. Throws ListError when unreadable or invalid. */
  current(): T {
    let stamp: string;
    let mtimeMs: number;
    try {
      const st = statSync(this.path, { bigint: true });
      stamp = `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
      mtimeMs = Number(st.mtimeNs / 1_000_000n);
    } catch (cause) {
      throw new ListError('LIST_FILE_UNREADABLE', this.path, `cannot read list file ${this.path}`, { cause });
    }
    const loaded = this.#loaded;
    if (loaded && loaded.stamp === stamp && loaded.loadedAtMs - loaded.mtimeMs > RACY_WINDOW_MS) {
      return loaded.value;
    }
    const text = this.#read();
    const contentHash = createHash('sha256').update(text).digest('hex');
    if (loaded && loaded.contentHash === contentHash) {
      loaded.stamp = stamp;
      loaded.mtimeMs = mtimeMs;
      loaded.loadedAtMs = Date.now();
      return loaded.value;
    }
    const value = this.#parse(text, this.path);
    this.#loaded = { value, stamp, mtimeMs, loadedAtMs: Date.now(), contentHash };
    this.#version += 1;
    return value;
  }

  #read(): string {
    try {
      return readFileSync(this.path, 'utf8');
    } catch (cause) {
      throw new ListError('LIST_FILE_UNREADABLE', this.path, `cannot read list file ${this.path}`, { cause });
    }
  }
}
