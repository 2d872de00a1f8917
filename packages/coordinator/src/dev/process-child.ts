// A child process that logs JSON lines on stdout (signer node, coordinator): started with a
// config file, considered up when it logs `{"event":"listening","url":…}`, stopped with
// SIGTERM (then SIGKILL) or killed outright. Its output goes to a log file.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

export interface ChildSpec {
  name: string;
  script: string;
  args: string[];
  logFile: string;
  env?: NodeJS.ProcessEnv;
}

export class JsonLineChild {
  readonly spec: ChildSpec;
  process: ChildProcess | null = null;
  url: string | null = null;
  private listeners = new Set<(line: Record<string, unknown>) => void>();
  private log: WriteStream | null = null;
  private exited: Promise<void> = Promise.resolve();

  constructor(spec: ChildSpec) {
    this.spec = spec;
  }

  /** Subscribes to parsed log lines; returns an unsubscribe function. */
  onLine(fn: (line: Record<string, unknown>) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get running(): boolean {
    return this.process !== null && this.process.exitCode === null && this.process.signalCode === null;
  }

  /** Starts the process and waits for its `listening` line (or its early exit). */
  async start(timeoutMs = 60_000): Promise<string> {
    if (this.running) throw new Error(`${this.spec.name} is already running`);
    this.log = createWriteStream(this.spec.logFile, { flags: 'a' });
    const child = spawn(process.execPath, [this.spec.script, ...this.spec.args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...this.spec.env },
    });
    this.process = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    let stderr = '';
    let buffer = '';
    const log = this.log;
    child.stdout!.on('data', (chunk: Buffer) => {
      log.write(chunk);
      buffer += chunk.toString();
      let nl = buffer.indexOf('\n');
      while (nl >= 0) {
        const text = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        nl = buffer.indexOf('\n');
        let line: Record<string, unknown>;
        try {
          line = JSON.parse(text);
        } catch {
          continue;
        }
        for (const fn of this.listeners) fn(line);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      log.write(chunk);
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        child.kill('SIGKILL');
        reject(
          new Error(`${this.spec.name} did not start within ${timeoutMs} ms (log: ${this.spec.logFile})`),
        );
      }, timeoutMs);
      const onExit = (code: number | null) => {
        cleanup();
        const lastError = stderr.trim().split('\n').slice(-3).join(' | ');
        reject(
          new Error(
            `${this.spec.name} exited during start-up (code ${code}); ${lastError} (log: ${this.spec.logFile})`,
          ),
        );
      };
      const off = this.onLine((line) => {
        if (line.event === 'listening' && typeof line.url === 'string') {
          cleanup();
          this.url = line.url;
          resolve(line.url);
        } else if (line.level === 'error' && typeof line.message === 'string' && !this.url) {
          stderr += `${line.event}: ${line.message}\n`;
        }
      });
      const cleanup = () => {
        clearTimeout(timer);
        off();
        child.off('exit', onExit);
      };
      child.once('exit', onExit);
    });
  }

  /** Graceful stop: SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 3000): Promise<void> {
    if (!this.running) return this.closeLog();
    this.process!.kill('SIGTERM');
    const timer = setTimeout(() => this.process?.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    this.closeLog();
  }

  /** Abrupt death (SIGKILL), as in a crash. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.process!.kill('SIGKILL');
    await this.exited;
    this.closeLog();
  }

  private closeLog(): void {
    this.log?.end();
    this.log = null;
  }
}
