// Human-readable reports of verification and replay, as `cairn audit` prints them.
import { canonicalJson } from './canonical.ts';
import type { ReplayReport } from './replay.ts';
import type { VerifyReport } from './verify.ts';

export function formatVerifyReport(r: VerifyReport, source: string): string {
  const out: string[] = [];
  out.push(`audit export: ${source}`);
  out.push(`log origin:   ${r.origin ?? '(unknown)'}`);
  out.push(`entries:      ${r.entries}${r.end > r.start ? ` (log indexes #${r.start}..#${r.end - 1})` : ''}`);
  out.push(
    `checkpoints:  ${r.verifiedCheckpoints} of ${r.checkpoints} verified; entries proven up to tree size ${r.verifiedSize}`,
  );
  const cos = Object.entries(r.cosignatures);
  if (cos.length > 0) {
    out.push('cosignatures:');
    for (const [name, n] of cos) out.push(`  ${name.padEnd(32)} ${n}`);
  }
  if (r.unresolvedReferences > 0) {
    out.push(`references:   ${r.unresolvedReferences} point before this range and were not checked`);
  }
  out.push('');
  if (r.ok) {
    out.push('RESULT: OK — every entry hash, Merkle proof, checkpoint signature and cosignature verified.');
  } else {
    out.push(`RESULT: FAILED — ${r.problems.length + r.moreProblems} problem(s).`);
    if (r.firstBadEntry !== null) out.push(`first bad entry: #${r.firstBadEntry}`);
    for (const p of r.problems) {
      out.push(`  line ${p.line}${p.index === null ? '' : ` (entry #${p.index})`}: ${p.code}: ${p.message}`);
    }
    if (r.moreProblems > 0) out.push(`  … and ${r.moreProblems} more`);
  }
  return `${out.join('\n')}\n`;
}

export function formatReplayReport(r: ReplayReport, source: string): string {
  const out: string[] = [];
  out.push(`audit export: ${source}`);
  out.push(`entries:        ${r.entries}`);
  out.push(`decisions:      ${r.decisions}`);
  out.push(`replayed:       ${r.replayed}`);
  out.push(`matched:        ${r.matched}`);
  out.push(`mismatches:     ${r.mismatchCount}`);
  out.push(`not replayable: ${r.notReplayableCount}`);
  if (r.malformed > 0) out.push(`malformed lines: ${r.malformed} (run 'cairn audit verify')`);
  out.push('');
  for (const m of r.mismatches) {
    out.push(`MISMATCH entry #${m.index} request ${m.requestId}: ${m.reason}: ${m.message}`);
    if (m.expected !== undefined) out.push(`  recorded: ${canonicalJson(m.expected)}`);
    if (m.actual !== undefined) out.push(`  replayed: ${canonicalJson(m.actual)}`);
  }
  if (r.mismatchCount > r.mismatches.length)
    out.push(`… and ${r.mismatchCount - r.mismatches.length} more mismatches`);
  for (const n of r.notReplayable)
    out.push(`NOT REPLAYABLE entry #${n.index} request ${n.requestId}: ${n.reason}`);
  out.push(r.ok ? 'RESULT: OK — every decision replayed to the recorded outcome.' : 'RESULT: FAILED');
  return `${out.join('\n')}\n`;
}
