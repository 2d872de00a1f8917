// The HTTP API's handling of bad input: every malformed request gets a typed JSON error and the
// node keeps serving.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  createLogger,
  type NodeHttpServer,
  parseNodeConfig,
  publicKeyOf,
  randomSigningKey,
  SignerNode,
  startHttpApi,
} from '@cairn/node';
import { HttpCarrier } from '@cairn/transport';

describe('node HTTP API', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-http-'));
  let node: SignerNode;
  let http: NodeHttpServer;
  const logs: string[] = [];

  before(async () => {
    const config = parseNodeConfig({
      nodeId: 'node-1',
      partyId: 1,
      dataDir: join(dir, 'data'),
      admins: { keys: [publicKeyOf(randomSigningKey())], quorum: 1 },
    });
    node = await SignerNode.start({
      config,
      passphrase: 'http test passphrase',
      log: createLogger({ nodeId: 'node-1', write: (l) => logs.push(l) }),
      carrier: (resolve) => new HttpCarrier({ resolve }),
    });
    http = await startHttpApi({
      node,
      host: '127.0.0.1',
      port: 0,
      log: createLogger({ nodeId: 'node-1', write: (l) => logs.push(l) }),
    });
  });
  after(async () => {
    await node.close();
    await http.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = async (
    method: string,
    path: string,
    body?: string | Uint8Array,
    type = 'application/json',
  ) => {
    const res = await fetch(new URL(path, http.url), {
      method,
      headers: body === undefined ? {} : { 'content-type': type },
      body: body as BodyInit | undefined,
    });
    const text = await res.text();
    return { status: res.status, json: text.startsWith('{') ? JSON.parse(text) : text };
  };

  it('reports health before a committee is installed', async () => {
    const r = await call('GET', '/v1/health');
    assert.equal(r.status, 200);
    assert.equal(r.json.status, 'no-committee');
    assert.match(r.json.signingKey, /^0x[0-9a-f]{64}$/);
  });

  it('answers bad input with typed errors', async () => {
    assert.deepEqual((await call('POST', '/v1/sign', '{not json')).json.error.code, 'INVALID_JSON');
    assert.equal((await call('POST', '/v1/sign', '{}')).json.error.code, 'INVALID_JOB');
    assert.equal((await call('POST', '/v1/keygen', '[]')).json.error.code, 'INVALID_STATEMENT');
    assert.equal(
      (await call('POST', '/v1/committee', '{"signatures":[]}')).json.error.code,
      'INVALID_STATEMENT',
    );
    assert.equal((await call('GET', '/v1/nope')).status, 404);
    assert.equal((await call('GET', '/v1/vaults/none')).json.error.code, 'UNKNOWN_VAULT');
    const big = await call('POST', '/v1/sign', `"${'x'.repeat(2 * 1024 * 1024)}"`);
    assert.equal(big.status, 413);
    const garbage = await call(
      'POST',
      '/v1/transport',
      new Uint8Array([1, 2, 3]),
      'application/octet-stream',
    );
    assert.equal(garbage.status, 400);
    assert.equal(garbage.json.error.code, 'MALFORMED_ENVELOPE');
    assert.equal((await call('GET', '/v1/health')).status, 200, 'still serving');
  });

  it('serves metrics', async () => {
    const r = await call('GET', '/metrics');
    assert.equal(r.status, 200);
    assert.match(String(r.json), /cairn_node_up\{node="node-1"\} 0/);
  });
});
