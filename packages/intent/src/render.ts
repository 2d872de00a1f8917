// Plain-text rendering of an intent report for terminals and logs, in the order an approver
// needs it: the summary, then asset changes, approvals, findings, then the details (decoded call,
// state changes, counterparties, call trace, simulation facts, digest).
import type { DecodedCall, IntentReport } from './types.ts';

function decodedLines(call: DecodedCall, indent: string, out: string[]) {
  const target = call.to ?? '(new contract)';
  const op = call.operation === 'delegatecall' ? 'DELEGATECALL ' : '';
  const fn =
    call.signature ??
    (call.selector
      ? `unknown function ${call.selector}`
      : call.data === '0x'
        ? 'plain transfer'
        : 'raw data');
  const via = call.source === 'selector-db' ? ' [4-byte db: unverified]' : call.abi ? ` [${call.abi}]` : '';
  const value = call.value !== '0' ? ` value ${call.value} wei` : '';
  out.push(`${indent}${op}${target}.${fn}${value}${via}`);
  for (const a of call.args ?? []) {
    const v =
      typeof a.value === 'string' || typeof a.value === 'boolean' ? String(a.value) : JSON.stringify(a.value);
    out.push(`${indent}    ${a.name} (${a.type}) = ${v.length > 200 ? `${v.slice(0, 200)}…` : v}`);
  }
  for (const inner of call.inner ?? []) decodedLines(inner, `${indent}  ↳ `, out);
}

export function renderReport(report: IntentReport, digest?: string): string {
  const out: string[] = [];
  out.push(
    `RISK: ${report.riskLevel.toUpperCase()}${report.simulated ? '' : report.kind === 'transaction' ? ' (NOT SIMULATED)' : ''}`,
  );
  out.push('');
  out.push(report.summary);
  out.push('');
  out.push('Asset changes:');
  if (report.assetChanges.length === 0) out.push('  (none)');
  for (const c of report.assetChanges) {
    const name = c.asset.kind === 'native' ? 'ETH' : (c.asset.symbol ?? c.asset.address);
    const id = c.asset.tokenId !== undefined ? ` #${c.asset.tokenId}` : '';
    const amount = c.formatted ?? c.delta;
    const usd = c.usdValue ? ` (≈ $${c.usdValue})` : '';
    out.push(`  ${c.address}  ${amount.startsWith('-') ? amount : `+${amount}`} ${name}${id}${usd}`);
  }
  out.push('');
  out.push('Approvals:');
  if (report.approvals.length === 0) out.push('  (none)');
  for (const a of report.approvals) {
    const token = a.asset?.symbol ? `${a.asset.symbol} (${a.token})` : a.token;
    const what = a.revoked
      ? 'REVOKED'
      : a.all
        ? 'ALL tokens'
        : a.unlimited
          ? 'UNLIMITED'
          : a.tokenId !== undefined
            ? `token #${a.tokenId}`
            : `${a.amount}`;
    out.push(
      `  ${a.kind}: ${a.owner} → spender ${a.spender}: ${what} of ${token}${a.expiration ? `, expires ${a.expiration}` : ''}`,
    );
  }
  out.push('');
  out.push('Findings:');
  if (report.findings.length === 0) out.push('  (none)');
  for (const f of report.findings) out.push(`  [${f.severity.toUpperCase()}] ${f.ruleId}: ${f.message}`);
  out.push('');
  out.push('Details:');
  const sim = report.simulation;
  out.push(
    `  simulation: ${sim.status} (engine ${sim.engine}${sim.block ? `, block ${sim.block.number} ${sim.block.hash}` : ''}${sim.gasUsed ? `, gas ${sim.gasUsed}` : ''})`,
  );
  if (sim.revertReason) out.push(`  revert reason: ${sim.revertReason}`);
  if (sim.error) out.push(`  error: ${sim.error.code}: ${sim.error.message}`);
  if (sim.secondOpinion) {
    const s = sim.secondOpinion;
    out.push(
      `  second opinion (${s.engine}): ${s.status}, ${s.agrees ? 'agrees' : `DISAGREES${s.detail ? `: ${s.detail}` : ''}`}`,
    );
  }
  if (report.decoded) {
    out.push('  decoded call:');
    decodedLines(report.decoded, '    ', out);
  }
  if (report.typedData) {
    out.push(`  typed data: ${report.typedData.kind}: ${report.typedData.description}`);
    for (const [k, v] of Object.entries(report.typedData.fields)) out.push(`    ${k} = ${v}`);
  }
  if (report.stateChanges.length > 0) {
    out.push('  state changes:');
    for (const s of report.stateChanges) out.push(`    [${s.meaning}] ${s.description}`);
  }
  if (report.counterparties.length > 0) {
    out.push('  counterparties:');
    for (const c of report.counterparties) {
      const tags = [
        c.kind === 'contract'
          ? `contract (${c.codeSize} bytes)`
          : c.delegatedTo
            ? `EOA delegated to ${c.delegatedTo}`
            : 'EOA',
        c.lists.addressBook ? `address book: ${c.lists.addressBook}` : undefined,
        c.lists.allow ? 'allowlisted' : undefined,
        c.lists.block ? `BLOCKLISTED: ${c.lists.block}` : undefined,
        c.firstInteraction ? 'first interaction' : undefined,
      ].filter(Boolean);
      out.push(`    ${c.address} [${c.roles.join(', ')}] ${tags.join('; ')}`);
    }
  }
  if (report.trace.length > 0) {
    out.push('  call trace:');
    for (const t of report.trace) {
      const mark = t.delegatecall ? '!! DELEGATECALL' : t.type;
      const value = t.value !== '0' ? ` value ${t.value}` : '';
      out.push(
        `    ${'  '.repeat(t.depth)}${mark} ${t.from} → ${t.to} ${t.function ?? ''}${value}${t.error ? ` ✗ ${t.error}` : ''}`,
      );
    }
  }
  if (digest) out.push(`  report digest: ${digest}`);
  return `${out.join('\n')}\n`;
}
