// Worker thread of AuditLog.appendBatch: validates, encodes and hashes a slice of a batch.
import { parentPort } from 'node:worker_threads';
import type { EntryInput } from './entry.ts';
import { prepareForWire } from './prepare-entry.ts';

parentPort?.on('message', (msg: { id: number; request: { inputs: EntryInput[]; times: string[] } }) => {
  const { inputs, times } = msg.request;
  parentPort?.postMessage({
    id: msg.id,
    response: inputs.map((input, i) => prepareForWire(input, times[i]!)),
  });
});
