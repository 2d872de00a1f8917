// Regenerates the derived example files: examples/context.json (users with example Ed25519
// public keys, groups, address book), examples/state.json (a genesis governed state) and
// examples/history.jsonl (deterministic pseudo-random historical requests for `policy diff`).
// Run: node_modules/.bin/node packages/policy/scripts/make-examples.ts [count]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

const dir = join(import.meta.dirname, '..', 'examples');
const pub = (name: string) => bytesToHex(ed25519.getPublicKey(sha256(utf8ToBytes(`cairn-example:${name}`))));
const u = (id: string, name: string, roles: string[]) => ({
  id,
  name,
  roles,
  keys: [{ id: `${id}-api`, type: 'ed25519', publicKey: pub(id) }],
});

const users = [
  u('ana', 'Ana (treasury ops)', ['initiator']),
  u('ben', 'Ben (treasury ops)', ['initiator']),
  u('tara', 'Tara (trader)', ['initiator']),
  u('tom', 'Tom (trader)', ['initiator']),
  u('lea', 'Lea (desk lead)', ['approver']),
  u('leo', 'Leo (desk lead)', ['approver']),
  u('cfo', 'Chief financial officer', ['approver']),
  u('ctl', 'Financial controller', ['approver']),
  u('fin3', 'Head of treasury', ['approver']),
  u('ciso', 'Chief information security officer', ['approver', 'admin']),
  u('sec1', 'Security engineer', ['approver']),
  u('adm1', 'Administrator 1', ['admin']),
  u('adm2', 'Administrator 2', ['admin']),
];
const groups = [
  { id: 'treasury-ops', members: ['ana', 'ben'] },
  { id: 'trading-desk', members: ['tara', 'tom'] },
  { id: 'trading-leads', members: ['lea', 'leo'] },
  { id: 'finance', members: ['cfo', 'ctl', 'fin3'] },
  { id: 'security', members: ['ciso', 'sec1'] },
];
const addressBook = [
  {
    id: 'venue-sdx',
    label: 'SDX settlement account',
    chain: 'eip155:1',
    address: '0x5d0000000000000000000000000000000000a001',
    groups: ['venues'],
  },
  {
    id: 'venue-kraken',
    label: 'Kraken deposit',
    chain: 'eip155:1',
    address: '0x5d0000000000000000000000000000000000a002',
    groups: ['venues'],
  },
  {
    id: 'cold-vault',
    label: 'Cold storage',
    chain: 'eip155:1',
    address: '0xc01d00000000000000000000000000000000c01d',
    groups: ['internal'],
  },
  {
    id: 'payroll',
    label: 'Payroll provider',
    chain: 'eip155:1',
    address: '0x9a7000000000000000000000000000000000a77e',
    groups: ['payees'],
  },
];
const context = { users, groups, addressBook };
writeFileSync(join(dir, 'context.json'), `${JSON.stringify(context, null, 2)}\n`);

const policy = JSON.parse(readFileSync(join(dir, 'policy-v1.json'), 'utf8'));
const state = {
  format: 'cairn.governed-state/v1',
  version: 1,
  previousHash: null,
  activatedAt: Date.UTC(2026, 9, 1),
  policy,
  ...context,
  adminQuorum: { threshold: 2 },
};
writeFileSync(join(dir, 'state.json'), `${JSON.stringify(state, null, 2)}\n`);

// history: deterministic LCG so the file is reproducible
let seed = 20261123;
const rnd = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const ETH = { id: 'eip155:1/slip44:60', decimals: 18, symbol: 'ETH' };
const USDC = { id: 'eip155:1/erc20:0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48', decimals: 6, symbol: 'USDC' };
const count = Number(process.argv[2] ?? 400);
const start = Date.UTC(2026, 10, 2, 6, 0);
const lines: string[] = [];
for (let i = 0; i < count; i++) {
  const trading = rnd() < 0.5;
  const asset = pick([ETH, USDC]);
  const usd = Math.floor(10 ** (2 + rnd() * 4.5)); // 100 .. ~3M USD
  const amount = asset === ETH ? (BigInt(usd) * 10n ** 18n) / 3000n : BigInt(usd) * 10n ** 6n;
  const at = start + Math.floor((i / count) * 20 * 86_400_000) + Math.floor(rnd() * 3_600_000);
  const dest =
    rnd() < 0.8
      ? pick(addressBook).address
      : `0x${Math.floor(rnd() * 2 ** 40)
          .toString(16)
          .padStart(40, '0')}`;
  const kind = rnd() < 0.92 ? 'transfer' : pick(['typed_data', 'contract_call']);
  const risk = rnd() < 0.95 ? pick(['none', 'low', 'low', 'medium']) : 'high';
  const request = {
    id: `hist-${String(i + 1).padStart(5, '0')}`,
    kind,
    initiator: trading ? pick(['tara', 'tom']) : pick(['ana', 'ben']),
    vault: trading
      ? { id: 'vault-trading-sdx', tags: ['trading', 'venue:sdx'] }
      : { id: 'vault-treasury', tags: ['treasury'] },
    chain: 'eip155:1',
    asset,
    amount: amount.toString(),
    destination: { address: dest },
    submittedAt: new Date(at).toISOString(),
  };
  const prices = {
    [ETH.id]: { usd: '3000', at: new Date(at - 30_000).toISOString() },
    [USDC.id]: { usd: '1', at: new Date(at - 30_000).toISOString() },
  };
  lines.push(
    JSON.stringify({
      request,
      intent: { status: 'simulated', riskLevel: risk, findingIds: [] },
      prices,
      executed: risk !== 'high' && rnd() < 0.8,
    }),
  );
}
writeFileSync(join(dir, 'history.jsonl'), `${lines.join('\n')}\n`);
process.stdout.write(`wrote context.json, state.json and ${count} history lines to ${dir}\n`);
