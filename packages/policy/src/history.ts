// Historical requests for what-if analysis (docs/policy.md §8.3). Until the coordinator's
// history store exists, history is a JSONL file: one JSON object per line,
//   {"request": {...PolicyRequest JSON...}, "intent": {...}, "prices": {...}, "executed": true}
// `intent` defaults to unavailable (fail closed), `prices` to none, and `executed` (whether
// the request was actually signed, i.e. counts in velocity history) to false.
import { z } from 'zod';
import { formatIssues, PolicyError } from './errors.ts';
import {
  IntentFacts,
  type PolicyRequest,
  PolicyRequestJson,
  type PriceSnapshot,
  PriceSnapshotJson,
  NO_PRICES,
  priceSnapshotFromJson,
  requestFromJson,
  UNAVAILABLE_INTENT,
} from './request.ts';

export const HistoryLine = z.strictObject({
  request: PolicyRequestJson,
  intent: IntentFacts.optional(),
  prices: PriceSnapshotJson.shape.prices.optional(),
  executed: z.boolean().optional(),
});

export interface HistoryRecord {
  request: PolicyRequest;
  intent: IntentFacts;
  prices: PriceSnapshot;
  executed: boolean;
}

/** Parses JSONL history; blank lines and lines starting with # are skipped. */
export function parseHistory(text: string): HistoryRecord[] {
  const out: HistoryRecord[] = [];
  const lines = text.split('\n');
  const ids = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new PolicyError('INVALID_HISTORY', `history line ${i + 1}: not JSON: ${(e as Error).message}`);
    }
    const r = HistoryLine.safeParse(value);
    if (!r.success) {
      const details = formatIssues(r.error.issues);
      throw new PolicyError('INVALID_HISTORY', `history line ${i + 1}: ${details.join('; ')}`, { details });
    }
    const request = requestFromJson(r.data.request);
    if (ids.has(request.id))
      throw new PolicyError('INVALID_HISTORY', `history line ${i + 1}: duplicate request id ${request.id}`);
    ids.add(request.id);
    out.push({
      request,
      intent: r.data.intent ?? UNAVAILABLE_INTENT,
      prices: r.data.prices ? priceSnapshotFromJson({ prices: r.data.prices }) : NO_PRICES,
      executed: r.data.executed ?? false,
    });
  }
  return out;
}

/** Parses "30d", "12h", "15m", "45s" into milliseconds. */
export function parseDuration(text: string): number {
  const m = /^([1-9][0-9]{0,6})(s|m|h|d)$/.exec(text);
  if (!m) throw new PolicyError('INVALID_HISTORY', `not a duration: "${text}" (use e.g. 30d, 12h, 15m, 45s)`);
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}
