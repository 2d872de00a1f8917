// Captures the output of processes spawned by tests (signer nodes, the coordinator, anvil…)
// into the test run's log directory, where the final secret scan reads it.
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { testLogDir } from './secrets.ts';

let counter = 0;

/** A write stream for a named log in the run's log directory (null outside `npm test`). */
export function testLogStream(name: string): WriteStream | null {
  const dir = testLogDir();
  if (!dir) return null;
  mkdirSync(join(dir, 'processes'), { recursive: true });
  const safe = name.replace(/[^a-zA-Z0-9._-]/g, '_');
  return createWriteStream(join(dir, 'processes', `${process.pid}-${++counter}-${safe}.log`));
}

/** Copies a child's stdout and stderr (if piped) into the run's log directory. */
export function captureProcessLogs(child: ChildProcess, name: string): void {
  const stream = testLogStream(name);
  if (!stream) return;
  child.stdout?.on('data', (chunk: Buffer) => stream.write(chunk));
  child.stderr?.on('data', (chunk: Buffer) => stream.write(chunk));
  child.once('close', () => stream.end());
}
