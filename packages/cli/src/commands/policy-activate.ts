// `cairn policy-activate FILE --admin-key FILE…`: propose a governance change (a new policy
// document, or explicit ops), sign it with admin keys, submit it to the coordinator, which
// applies it and forwards it to every signer node (each checks the admin quorum itself).
import { CliError, type Command, parseOptions } from '../command.ts';
import { coordinator, operation } from './vault.ts';

export const command: Command = {
  name: 'policy-activate',
  summary: 'sign and submit a governance change (new policy, address book, users, groups) with admin keys',
  help: `usage: cairn policy-activate FILE --admin-key FILE [--admin-key FILE …] [options]

FILE is a policy document (format cairn.policy/v1, JSON or YAML; its version must be higher
than the active one) or a change file { "ops": [...] } with ops set_policy, upsert_address,
remove_address, upsert_user, remove_user, upsert_group, remove_group, set_admin_quorum
(docs/policy.md §5). The change is built against the coordinator's current policy version and
hash, signed by every --admin-key (the admin quorum of the current state must be met), and
submitted; the coordinator applies it, audits it and forwards it to every signer node. Requests
submitted from the activation time on are evaluated under the new state.

options:
  --admin-key FILE   admin key file: JSON { "userId", "keyId", "secretKey": "<64 hex>" } (repeat)
  --activate-at ISO  activation time (ISO 8601; default now)
  --description TXT  what the change is for (signed with it)
  --api URL          coordinator URL (default: the running dev cluster, else http://127.0.0.1:8080)
  --dev-dir DIR      dev cluster directory (default .cairn/dev)
  --json             print the signed change and the per-node results as JSON

examples:
  cairn policy-activate policy-v2.json --admin-key frank.json --admin-key grace.json
  cairn policy-activate add-counterparty.yaml --admin-key frank.json --admin-key grace.json
`,
  async run(argv, io) {
    const { values, positionals } = parseOptions(
      'policy-activate',
      argv,
      {
        'admin-key': { type: 'string', multiple: true },
        'activate-at': { type: 'string' },
        description: { type: 'string' },
        api: { type: 'string' },
        'dev-dir': { type: 'string' },
        json: { type: 'boolean' },
      },
      true,
    );
    const [file] = positionals;
    if (!file || positionals.length > 1)
      throw new CliError('USAGE', 'usage: cairn policy-activate FILE --admin-key FILE');
    if (!values['admin-key']?.length)
      throw new CliError('USAGE', 'policy-activate needs at least one --admin-key FILE');
    let activatesAt: number | undefined;
    if (values['activate-at'] !== undefined) {
      activatesAt = Date.parse(values['activate-at']);
      if (Number.isNaN(activatesAt))
        throw new CliError('USAGE', '--activate-at must be an ISO 8601 date-time');
    }
    const { operatorContext, proposeChangeOperation, readChangeOps, readUserKey, rethrow } =
      await coordinator();
    const ctx = operatorContext({ cwd: io.cwd, env: io.env, api: values.api, devDir: values['dev-dir'] });
    const result = await operation(async () => {
      const ops = readChangeOps(file);
      const admins = values['admin-key']!.map((f) => readUserKey(f));
      return proposeChangeOperation({
        api: ctx.api,
        ops,
        admins,
        ...(activatesAt !== undefined ? { activatesAt } : {}),
        ...(values.description ? { description: values.description } : {}),
      }).catch(rethrow);
    });
    const r = result.response as {
      version: number;
      hash: string;
      nodes: { nodeId: string; ok: boolean; code?: string; message?: string }[];
    };
    if (values.json) {
      io.stdout(`${JSON.stringify({ change: result.signed, result: r })}\n`);
    } else {
      io.stdout(`policy version ${r.version} active (hash ${r.hash})\n`);
      for (const n of r.nodes)
        io.stdout(`  ${n.nodeId.padEnd(12)} ${n.ok ? 'accepted' : `REFUSED ${n.code}: ${n.message}`}\n`);
    }
    return r.nodes.every((n) => n.ok) ? 0 : 1;
  },
};
