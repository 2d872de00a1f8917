// Real signer node processes for acceptance tests: each node is `node packages/node/src/main.ts
// --config FILE` with its own data directory, database, keys and port on 127.0.0.1. Every line
// a process prints is captured (for assertions and for the log scan) and every process is
// killed when the cluster closes.
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { type HealthResponse, publicKeyOf, randomSigningKey } from '@cairn/node';
import { registerTestPhrase } from '@cairn/testkit';
import { handOverLogs, registerNodeSecrets } from '@cairn/testkit/hand-over';
import { committeeOf } from './fixtures.ts';

const MAIN = join(import.meta.dirname, '..', '..', 'src', 'main.ts');
export const PROCESS_PASSPHRASE = 'process test passphrase 7f3a';

export interface NodeProcess {
  index: number;
  nodeId: string;
  partyId: number;
  configPath: string;
  dataDir: string;
  url: string;
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
}

export interface StartOptions {
  passphrase?: string;
  /** Extra node config fields for this start. */
  config?: Record<string, unknown>;
}

export interface HttpResult {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; message: string } };
}

export interface ProcessCluster {
  dir: string;
  logFile: string;
  admins: Uint8Array[];
  nodes: NodeProcess[];
  start(index: number, options?: StartOptions): Promise<NodeProcess>;
  /** Starts a node expected to fail; resolves with its exit code and output. */
  startFailing(index: number, options?: StartOptions): Promise<{ code: number | null; output: string }>;
  kill(index: number, signal?: NodeJS.Signals): Promise<void>;
  installCommittee(admins?: Uint8Array[]): Promise<HttpResult[]>;
  close(): Promise<void>;
}

export async function post(url: string, path: string, body: unknown): Promise<HttpResult> {
  const res = await fetch(new URL(path, url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as HttpResult['body'] };
}

export async function get(url: string, path: string): Promise<{ status: number; text: string }> {
  const res = await fetch(new URL(path, url));
  return { status: res.status, text: await res.text() };
}

export async function startProcessCluster(
  params: { n?: number; sessionTimeoutMs?: number } = {},
): Promise<ProcessCluster> {
  const n = params.n ?? 3;
  const dir = mkdtempSync(join(tmpdir(), 'cairn-nodes-'));
  const logFile = join(dir, 'all-processes.log');
  const admins = [randomSigningKey(), randomSigningKey(), randomSigningKey()];
  const nodes: NodeProcess[] = [];
  const children = new Set<ChildProcess>();

  const configPathOf = (index: number, extra: Record<string, unknown> = {}) => {
    const nodeId = `node-${index}`;
    const dataDir = join(dir, nodeId);
    mkdirSync(dataDir, { recursive: true });
    const configPath = join(dir, `${nodeId}.json`);
    writeFileSync(
      configPath,
      JSON.stringify({
        nodeId,
        partyId: index,
        dataDir,
        host: '127.0.0.1',
        port: 0,
        admins: { keys: admins.map(publicKeyOf), quorum: 2 },
        sessionTimeoutMs: params.sessionTimeoutMs ?? 3000,
        ...extra,
      }),
    );
    return { nodeId, dataDir, configPath };
  };

  /** Passphrase each node last started with, for the hand-over to the run-wide secret scan. */
  const passphrases = new Map<number, string>();
  const spawnNode = (index: number, passphrase: string, extra?: Record<string, unknown>) => {
    const { nodeId, dataDir, configPath } = configPathOf(index, extra);
    registerTestPhrase(passphrase);
    const child = spawn(process.execPath, [MAIN, '--config', configPath], {
      env: { ...process.env, CAIRN_NODE_PASSPHRASE: passphrase },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    const lines: string[] = [];
    const capture = (stream: NodeJS.ReadableStream, tag: string) => {
      let buffer = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buffer += chunk;
        let i = buffer.indexOf('\n');
        while (i >= 0) {
          const line = buffer.slice(0, i);
          buffer = buffer.slice(i + 1);
          lines.push(line);
          appendFileSync(logFile, `${nodeId} ${tag} ${line}\n`);
          i = buffer.indexOf('\n');
        }
      });
    };
    capture(child.stdout!, 'out');
    capture(child.stderr!, 'err');
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => {
        children.delete(child);
        resolve(code);
      }),
    );
    return { nodeId, dataDir, configPath, child, lines, exited };
  };

  const cluster: ProcessCluster = {
    dir,
    logFile,
    admins,
    nodes,
    async start(index, options: StartOptions = {}) {
      const p = spawnNode(index, options.passphrase ?? PROCESS_PASSPHRASE, options.config);
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setInterval(() => {
          for (const line of p.lines) {
            if (!line.startsWith('{')) continue;
            const o = JSON.parse(line) as { event?: string; url?: string };
            if (o.event === 'listening' && o.url) {
              clearInterval(timer);
              resolve(o.url);
              return;
            }
          }
        }, 10);
        p.exited.then((code) => {
          clearInterval(timer);
          reject(new Error(`node-${index} exited with ${code}: ${p.lines.join('\n')}`));
        });
      });
      const node: NodeProcess = { index, partyId: index, url, ...p };
      nodes[index - 1] = node;
      passphrases.set(index, options.passphrase ?? PROCESS_PASSPHRASE);
      return node;
    },
    async startFailing(index, options: StartOptions = {}) {
      const p = spawnNode(index, options.passphrase ?? PROCESS_PASSPHRASE, options.config);
      const code = await p.exited;
      return { code, output: p.lines.join('\n') };
    },
    async kill(index, signal = 'SIGKILL') {
      const node = nodes[index - 1];
      if (!node || node.child.exitCode !== null) return;
      node.child.kill(signal);
      await node.exited;
    },
    async installCommittee(signers = admins.slice(0, 2)) {
      const members = await Promise.all(
        nodes.map(async (node) => {
          const health = JSON.parse((await get(node.url, '/v1/health')).text) as HealthResponse;
          return { ...health, url: node.url };
        }),
      );
      const committee = committeeOf(members, signers);
      return Promise.all(nodes.map((node) => post(node.url, '/v1/committee', committee)));
    },
    async close() {
      for (const child of children) child.kill('SIGKILL');
      await Promise.all(nodes.map((n) => n?.exited));
      await handOverToRunScan(dir, logFile, passphrases);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await Promise.all(Array.from({ length: n }, (_, i) => cluster.start(i + 1)));
  } catch (error) {
    await cluster.close();
    throw error;
  }
  return cluster;
}

/**
 * Before the cluster's directory is removed: copies the captured output into the test run's log
 * directory and registers every node's wrapping key, identity keys and key shares, so the
 * run-wide secret scan (npm test) checks them against every captured log.
 */
async function handOverToRunScan(dir: string, logFile: string, passphrases: ReadonlyMap<number, string>) {
  handOverLogs(basename(dir), [logFile]);
  for (const [index, passphrase] of passphrases) {
    await registerNodeSecrets({ dataDir: join(dir, `node-${index}`), nodeId: `node-${index}`, passphrase });
  }
}

/** Parsed JSON log lines of a node with the given event. */
export function events(node: NodeProcess, event: string): Record<string, unknown>[] {
  return node.lines
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((o) => o.event === event);
}
