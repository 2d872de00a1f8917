// `cairn approve REQUEST_ID [--reject] [--key FILE]`: sign an approval (or rejection) statement
// bound to the request, its intent and the policy version, after reading what it really does.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CliError, type Command, parseOptions } from '../command.ts';
import { coordinator, operation } from './vault.ts';

export const command: Command = {
  name: 'approve',
  summary: 'approve (or --reject) a request waiting for approvals, with a signed statement',
  help: `usage: cairn approve REQUEST_ID [--reject] [--key FILE] [options]

Shows what the request really does (the simulated intent: summary, findings, risk) and the
policy decision that requires approvals, then signs an approval statement (docs/policy.md §6)
bound to this request, its intent and the policy version, and submits it. The digests the
statement binds are recomputed here from the facts the coordinator shows, so the coordinator
cannot make you approve something else; every signer node verifies the statement again.
With --reject the statement rejects the request: one rejection by a required approver ends it.

options:
  --reject           reject instead of approve
  --key FILE         approver key file: JSON { "userId", "keyId", "secretKey": "<64 hex>" }
                     (default: <dev-dir>/keys/approver-1.json when it exists)
  --approver ID      approver id, for a bare hex key file
  --key-id ID        key id, for a bare hex key file
  --ttl SECONDS      how long the statement stays valid (default 3600, capped at the approval deadline)
  --api URL          coordinator URL (default: the running dev cluster, else http://127.0.0.1:8080)
  --dev-dir DIR      dev cluster directory (default .cairn/dev)
  --json             print the statement and the coordinator's answer as JSON

examples:
  cairn approve 6f1c…-…  --key carol.json
  cairn approve 6f1c…-…  --key erin.json --reject
`,
  async run(argv, io) {
    const { values, positionals } = parseOptions(
      'approve',
      argv,
      {
        reject: { type: 'boolean' },
        key: { type: 'string' },
        approver: { type: 'string' },
        'key-id': { type: 'string' },
        ttl: { type: 'string' },
        api: { type: 'string' },
        'dev-dir': { type: 'string' },
        json: { type: 'boolean' },
      },
      true,
    );
    const [requestId] = positionals;
    if (!requestId || positionals.length > 1)
      throw new CliError('USAGE', 'usage: cairn approve REQUEST_ID [--reject] [--key FILE]');
    const ttl = values.ttl === undefined ? undefined : Number(values.ttl);
    if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 10))
      throw new CliError('USAGE', '--ttl must be an integer >= 10');
    const { operatorContext, approveOperation, readUserKey, rethrow } = await coordinator();
    const ctx = operatorContext({ cwd: io.cwd, env: io.env, api: values.api, devDir: values['dev-dir'] });
    const devKey = join(ctx.devDir, 'keys', 'approver-1.json');
    const keyFile = values.key ?? (existsSync(devKey) ? devKey : undefined);
    if (!keyFile) throw new CliError('USAGE', 'approve needs --key FILE (an approver key file)');
    const result = await operation(async () => {
      const key = readUserKey(keyFile, { userId: values.approver, keyId: values['key-id'] });
      return approveOperation({
        api: ctx.api,
        requestId,
        key,
        verdict: values.reject ? 'reject' : 'approve',
        ...(ttl !== undefined ? { ttlSeconds: ttl } : {}),
      }).catch(rethrow);
    });
    if (values.json) {
      io.stdout(`${JSON.stringify({ statement: result.statement, response: result.response })}\n`);
      return 0;
    }
    const c = result.context;
    const quorum = (result.response as { quorum?: { status?: string; explanation?: string } }).quorum;
    io.stdout(
      [
        `request   ${c.requestId}`,
        `intent    ${c.intent ? `${c.intent.simulated ? 'simulated' : 'NOT simulated'}, risk ${c.intent.riskLevel}` : 'not analysed'}`,
        ...(c.intent?.summary ? [`          ${c.intent.summary}`] : []),
        ...(c.intent?.findings ?? []).map((f) => `finding   [${f.severity}] ${f.ruleId}: ${f.message}`),
        `policy    ${c.policy?.decision.explanation ?? ''}`,
        `${result.statement.decision === 'approve' ? 'approved' : 'rejected'} as ${result.statement.approverId} (key ${result.statement.keyId})`,
        `quorum    ${quorum?.status ?? '?'}: ${quorum?.explanation ?? ''}`,
        '',
      ].join('\n'),
    );
    return 0;
  },
};
