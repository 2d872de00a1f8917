// Shared pieces of the end-to-end tests: one real dev cluster (anvil + 3 signer-node processes
// + the coordinator process) per test file, and the `cairn` CLI run as a real child process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { DevCluster, type DevClusterOptions, type RequestView } from '@cairn/coordinator';
import { handOverLogs, registerNodeSecrets } from '@cairn/testkit/hand-over';

const root = join(import.meta.dirname, '..', '..', '..');
const cliMain = join(root, 'packages', 'cli', 'src', 'main.ts');

/** A request that will not move without someone: finished, or waiting for approvals. */
export const settled = (r: RequestView) => r.terminal || r.state === 'pending_approval';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `cairn …` as a child process (asynchronously: the cluster's pipes must keep draining). */
export function cairn(dir: string, args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliMain, ...args], {
      cwd: root,
      env: { ...process.env, CAIRN_DEV_DIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** The last JSON line of a --json command's stdout. */
export function lastJson<T>(r: CliResult): T {
  const lines = r.stdout.trim().split('\n');
  try {
    return JSON.parse(lines.at(-1)!) as T;
  } catch {
    throw new Error(`no JSON output (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
}

export interface TestClusterOptions {
  /** Temporary directory name prefix. */
  prefix?: string;
  /** What `cairn dev` turns on: the admin-signed policy genesis, approvers, nodes as witnesses. */
  governance?: boolean;
  nodeConfig?: DevClusterOptions['nodeConfig'];
  coordinatorConfig?: DevClusterOptions['coordinatorConfig'];
}

export async function startTestCluster(options: TestClusterOptions = {}): Promise<{
  cluster: DevCluster;
  dir: string;
  cleanup: () => Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), options.prefix ?? 'cairn-e2e-'));
  const cluster = await DevCluster.start({
    dir,
    coordinatorPort: 0,
    governance: options.governance,
    // Generous protocol timeouts: CI machines are slow and busy; recovery from a dead signer does
    // not wait for them (the coordinator cancels the session as soon as a signer is unreachable).
    nodeConfig: options.nodeConfig ?? { sessionTimeoutMs: 30_000 },
    coordinatorConfig: options.coordinatorConfig ?? {
      signTimeoutMs: 45_000,
      healthIntervalMs: 500,
      receiptPollMs: 25,
    },
  });
  // Last resort if the test process dies without running after(): no orphaned children.
  process.once('exit', () => cluster.killAllSync());
  return {
    cluster,
    dir,
    async cleanup() {
      await cluster.stop();
      await handOverToRunScan(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates a 2-of-3 vault through the CLI and funds it with `ether` from the dev account. */
export async function createFundedVault(dir: string, name: string, ether: string): Promise<void> {
  const created = await cairn(dir, ['vault', 'create', '--name', name, '--threshold', '2']);
  assert.equal(created.code, 0, created.stdout + created.stderr);
  const funded = await cairn(dir, ['vault', 'fund', '--vault', name, '--amount', ether]);
  assert.equal(funded.code, 0, funded.stdout + funded.stderr);
}

/** Parsed JSON log lines of a cluster process log file. */
export function logLines(dir: string, name: string): Record<string, unknown>[] {
  return readFileSync(join(dir, 'logs', `${name}.log`), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

export async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await r.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(body.error.message);
  return body.result;
}

/**
 * Before a cluster's directory is removed: copies its process logs into the test run's log
 * directory and registers every node's passphrase, identity keys, wrapping key and key shares,
 * so the run-wide secret scan (npm test) checks all of them against every captured log.
 */
async function handOverToRunScan(dir: string): Promise<void> {
  const logs = join(dir, 'logs');
  if (existsSync(logs))
    handOverLogs(
      basename(dir),
      readdirSync(logs).map((f) => join(logs, f)),
    );
  const nodesDir = join(dir, 'nodes');
  if (!existsSync(nodesDir)) return;
  for (const nodeId of readdirSync(nodesDir)) {
    const home = join(nodesDir, nodeId);
    const config = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8')) as { dataDir: string };
    await registerNodeSecrets({
      dataDir: join(home, config.dataDir),
      nodeId,
      passphrase: readFileSync(join(home, 'passphrase'), 'utf8').trim(),
    });
  }
}
