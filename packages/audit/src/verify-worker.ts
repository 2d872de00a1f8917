// Worker thread of the offline verifier: analyses batches of entry lines (entry-line.ts).
import { parentPort } from 'node:worker_threads';
import { analyzeEntryLine } from './entry-line.ts';

parentPort?.on('message', (msg: { id: number; request: string[] }) => {
  parentPort?.postMessage({ id: msg.id, response: msg.request.map(analyzeEntryLine) });
});
