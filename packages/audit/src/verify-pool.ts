// A small pool of worker threads that analyse entry lines in parallel for the verifier. Results
// come back per batch, and the verifier consumes batches in file order.
import { Worker } from 'node:worker_threads';
import type { EntryLineAnalysis } from './entry-line.ts';

export class EntryLinePool {
  readonly #workers: Worker[];
  readonly #pending = new Map<
    number,
    { resolve: (r: EntryLineAnalysis[]) => void; reject: (e: unknown) => void }
  >();
  #next = 0;

  constructor(size: number) {
    this.#workers = Array.from({ length: size }, () => {
      const w = new Worker(new URL('./verify-worker.ts', import.meta.url));
      w.on('message', (msg: { id: number; results: EntryLineAnalysis[] }) => {
        const p = this.#pending.get(msg.id);
        this.#pending.delete(msg.id);
        p?.resolve(msg.results);
      });
      w.on('error', (error) => {
        for (const p of this.#pending.values()) p.reject(error);
        this.#pending.clear();
      });
      return w;
    });
  }

  analyze(lines: string[]): Promise<EntryLineAnalysis[]> {
    const id = this.#next++;
    const worker = this.#workers[id % this.#workers.length]!;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ id, lines });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}
