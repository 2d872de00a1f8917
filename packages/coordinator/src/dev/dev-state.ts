// The dev cluster's state file (`.cairn/dev/state.json`): where the CLI finds the API, the local
// chain, the demo token and the dev keys. Dev only: it points at files holding dev secret keys.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const devStateSchema = z.strictObject({
  version: z.literal(1),
  apiUrl: z.url(),
  rpcUrl: z.url(),
  chainId: z.number().int(),
  token: z.strictObject({ address: z.string(), symbol: z.string(), decimals: z.number().int() }),
  nodes: z.array(z.strictObject({ nodeId: z.string(), partyId: z.number().int(), url: z.url() })),
  keys: z.strictObject({
    /** Files with the dev admin Ed25519 secret keys (hex), mode 0600. */
    admins: z.array(z.string()),
    adminQuorum: z.number().int(),
    /** File with the dev initiator Ed25519 secret key (hex), mode 0600. */
    initiator: z.string(),
  }),
  /** Index into ANVIL_DEV_PRIVATE_KEYS of the account that holds the demo token supply and funds vaults. */
  funderAccount: z.number().int().min(0).max(4),
  pid: z.number().int(),
  startedAt: z.string(),
});
export type DevState = z.infer<typeof devStateSchema>;

/** `<cwd>/.cairn/dev`, the default dev directory. */
export function defaultDevDir(cwd: string): string {
  return join(cwd, '.cairn', 'dev');
}

/** Reads the dev state file, or null when there is none (or it is unreadable). */
export function readDevState(dir: string): DevState | null {
  try {
    const parsed = devStateSchema.safeParse(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Reads a hex secret key file (dev keys). */
export function readKeyFile(path: string): Uint8Array {
  const text = readFileSync(path, 'utf8').trim();
  if (!/^(0x)?[0-9a-f]{64}$/.test(text)) throw new Error(`${path} does not hold a 32-byte hex key`);
  return Uint8Array.from(Buffer.from(text.replace(/^0x/, ''), 'hex'));
}
