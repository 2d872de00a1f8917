// A small pool of worker threads for the log's CPU-heavy, order-independent work (analysing
// export lines, validating and hashing appended entries). Requests are spread round-robin;
// each returns a promise, and callers consume results in their own order.
import { Worker } from 'node:worker_threads';

export class WorkerPool<TRequest, TResponse> {
  readonly #workers: Worker[];
  readonly #pending = new Map<number, { resolve: (r: TResponse) => void; reject: (e: unknown) => void }>();
  #next = 0;

  /** `script` is a module that answers {id, request} messages with {id, response}. */
  constructor(script: URL, size: number) {
    this.#workers = Array.from({ length: size }, () => {
      const w = new Worker(script);
      w.on('message', (msg: { id: number; response: TResponse }) => {
        const p = this.#pending.get(msg.id);
        this.#pending.delete(msg.id);
        this.#refIfBusy();
        p?.resolve(msg.response);
      });
      w.on('error', (error) => {
        for (const p of this.#pending.values()) p.reject(error);
        this.#pending.clear();
        this.#refIfBusy();
      });
      // Idle workers never keep the process alive; busy ones do, so awaited work completes.
      w.unref();
      return w;
    });
  }

  get size(): number {
    return this.#workers.length;
  }

  run(request: TRequest): Promise<TResponse> {
    const id = this.#next++;
    const worker = this.#workers[id % this.#workers.length]!;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#refIfBusy();
      worker.postMessage({ id, request });
    });
  }

  #refIfBusy(): void {
    const busy = this.#pending.size > 0;
    for (const w of this.#workers) {
      if (busy) w.ref();
      else w.unref();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}
