// `cairn audit`: export the tamper-evident audit log, verify an export offline, replay decisions.
// Thin: the logic lives in @cairn/audit.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import {
  AuditError,
  exportLog,
  exportToFile,
  formatReplayReport,
  formatVerifyReport,
  readExportFile,
  readKeysFile,
  replayExport,
  SqliteLogStore,
  policyReplayer,
  verifyExport,
} from '@cairn/audit';
import { CliError, type CliIo, type Command, parseOptions } from '../command.ts';

const HELP = `usage: cairn audit <subcommand> [options]

The tamper-evident audit log: an RFC 9162 Merkle log whose checkpoints (C2SP signed notes) are
signed by the log's owner and cosigned by every signer node. See docs/audit.md.

subcommands:
  verify EXPORT --keys KEYS [--json] [--workers N]
      Verify an export offline: every entry hash, the Merkle tree, every checkpoint signature
      and witness cosignature, and that every entry is covered by a verified checkpoint.
      Needs no running Cairn service. Prints the first bad entry on failure.
      KEYS is a JSON file: {"format":"cairn-audit-keys/v1","origin":…,"log":<vkey>,
      "witnesses":[<vkey>…],"quorum":N} (quorum defaults to every witness).
      --workers: threads that hash and check entry lines in parallel (default: CPUs, max 4;
      0 = single-threaded).

  replay EXPORT [--json]
      Re-evaluate every recorded policy decision with the policy version in force when it was
      made (the @cairn/policy evaluator, on the recorded request, intent, ledger snapshot,
      prices and time), and list every decision whose recorded outcome differs. Decisions
      recorded without inputs, or whose policy version is not in the export, are listed as not
      replayable and also fail the run.

  export --db FILE [--from ISO] [--to ISO] [--format jsonl|csv] [--out FILE]
      Export the log stored in FILE (the node:sqlite audit database). --from is inclusive,
      --to exclusive; without them, everything. jsonl (default) carries entries, proofs and
      checkpoints for 'cairn audit verify'; csv is for spreadsheets. Only entries covered by
      a checkpoint are exported. Writes to --out, or stdout.

exit codes: 0 ok, 1 verification/replay failure or error, 2 usage error

examples:
  cairn audit export --db data/audit.db --from 2026-01-01T00:00:00Z --out q1.jsonl
  cairn audit verify q1.jsonl --keys audit-keys.json
  cairn audit replay q1.jsonl --json
`;

export const command: Command = {
  name: 'audit',
  summary: 'export, verify (offline) and replay the tamper-evident audit log',
  help: HELP,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    switch (sub) {
      case 'verify':
        return verify(rest, io);
      case 'replay':
        return replay(rest, io);
      case 'export':
        return exportCmd(rest, io);
      default:
        throw new CliError(
          'USAGE',
          `${sub === undefined ? 'missing subcommand' : `unknown subcommand '${sub}'`}: expected verify, replay or export\nrun 'cairn audit --help' for usage`,
        );
    }
  },
};

function exportFile(positionals: string[], io: CliIo, sub: string): string {
  if (positionals.length !== 1)
    throw new CliError('USAGE', `cairn audit ${sub} takes exactly one EXPORT file`);
  const path = resolve(io.cwd, positionals[0]!);
  if (!existsSync(path)) throw new CliError('NOT_FOUND', `export file not found: ${positionals[0]}`);
  return path;
}

function asCliError(error: unknown): never {
  if (error instanceof AuditError) throw new CliError('INVALID_INPUT', `${error.code}: ${error.message}`);
  throw error;
}

async function verify(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(
    'audit',
    argv,
    { keys: { type: 'string' }, json: { type: 'boolean' }, workers: { type: 'string' } },
    true,
  );
  const file = exportFile(positionals, io, 'verify');
  if (!values.keys)
    throw new CliError('USAGE', 'cairn audit verify needs --keys KEYS (the log and witness keys)');
  let keys: ReturnType<typeof readKeysFile>;
  try {
    keys = readKeysFile(resolve(io.cwd, values.keys));
  } catch (error) {
    asCliError(error);
  }
  const workers = values.workers === undefined ? Math.min(4, availableParallelism()) : Number(values.workers);
  if (!Number.isSafeInteger(workers) || workers < 0 || workers > 64) {
    throw new CliError('INVALID_INPUT', `--workers must be an integer from 0 to 64, got '${values.workers}'`);
  }
  const report = await verifyExport({ lines: readExportFile(file), keys, workers });
  io.stdout(values.json ? `${JSON.stringify(report)}\n` : formatVerifyReport(report, positionals[0]!));
  return report.ok ? 0 : 1;
}

async function replay(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions('audit', argv, { json: { type: 'boolean' } }, true);
  const file = exportFile(positionals, io, 'replay');
  const report = await replayExport({ lines: readExportFile(file), replayer: policyReplayer() });
  io.stdout(values.json ? `${JSON.stringify(report)}\n` : formatReplayReport(report, positionals[0]!));
  return report.ok ? 0 : 1;
}

function parseTime(value: string | undefined, flag: string): number | null {
  if (value === undefined) return null;
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(value) || Number.isNaN(ms)) {
    throw new CliError('INVALID_INPUT', `${flag} must be an ISO 8601 date or date-time, got '${value}'`);
  }
  return ms;
}

async function exportCmd(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions('audit', argv, {
    db: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    format: { type: 'string', default: 'jsonl' },
    out: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length > 0) throw new CliError('USAGE', 'cairn audit export takes no positional arguments');
  if (!values.db) throw new CliError('USAGE', 'cairn audit export needs --db FILE');
  const format = values.format;
  if (format !== 'jsonl' && format !== 'csv')
    throw new CliError('INVALID_INPUT', `--format must be jsonl or csv, got '${format}'`);
  const fromMs = parseTime(values.from, '--from');
  const toMs = parseTime(values.to, '--to');
  if (fromMs !== null && toMs !== null && toMs < fromMs)
    throw new CliError('INVALID_INPUT', '--to is before --from');
  const dbPath = resolve(io.cwd, values.db);
  if (!existsSync(dbPath)) throw new CliError('NOT_FOUND', `audit database not found: ${values.db}`);
  let store: SqliteLogStore;
  try {
    store = SqliteLogStore.open(dbPath, { readOnly: true });
  } catch (error) {
    asCliError(error);
  }
  try {
    let result: Awaited<ReturnType<typeof exportToFile>>;
    if (values.out) {
      result = await exportToFile({ store, path: resolve(io.cwd, values.out), format, fromMs, toMs });
    } else {
      result = await exportLog({ store, format, fromMs, toMs, write: (c) => io.stdout(c) });
    }
    const summary = `exported entries #${result.start}..#${result.end - 1} (${result.entries} entries, ${result.checkpoints} checkpoints)${values.out ? ` to ${values.out}` : ''}`;
    if (values.json && values.out) io.stdout(`${JSON.stringify(result)}\n`);
    else io.stderr(`${summary}\n`);
    if (result.uncheckpointed > 0) {
      io.stderr(
        `warning: ${result.uncheckpointed} entries in the range are not covered by a checkpoint yet and were not exported\n`,
      );
    }
    return 0;
  } catch (error) {
    asCliError(error);
  } finally {
    await store.close();
  }
}
