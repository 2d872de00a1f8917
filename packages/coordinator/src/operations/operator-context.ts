// Where an operator command (the `cairn` CLI) finds the coordinator and its keys: `--api`, else
// the running dev cluster's state file, else http://127.0.0.1:8080; `--key FILE` for the
// initiator key, else the dev initiator key. Dev keys are for the local dev cluster only.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { publicKeyOf } from '@cairn/node';
import { CoordinatorClient } from '../client.ts';
import { type DevState, defaultDevDir, readDevState, readKeyFile } from '../dev/dev-state.ts';

export class OperatorError extends Error {
  readonly code: 'USAGE' | 'NOT_FOUND' | 'UNAVAILABLE' | 'REFUSED' | 'FAILED' | 'INVALID_INPUT';
  constructor(code: OperatorError['code'], message: string) {
    super(message);
    this.name = 'OperatorError';
    this.code = code;
  }
}

export interface OperatorContext {
  api: CoordinatorClient;
  dev: DevState | null;
  devDir: string;
  /** Loads the initiator secret key (only when a command needs to sign). */
  initiatorKey(): Uint8Array;
  /** Loads the admin secret keys (vault creation). */
  adminKeys(): Uint8Array[];
}

export function operatorContext(params: {
  cwd: string;
  env: NodeJS.ProcessEnv;
  api?: string;
  devDir?: string;
  keyFile?: string;
  adminKeyFiles?: string[];
}): OperatorContext {
  const devDir = params.devDir ?? params.env.CAIRN_DEV_DIR ?? defaultDevDir(params.cwd);
  const dev = readDevState(devDir);
  const url = params.api ?? params.env.CAIRN_API ?? dev?.apiUrl ?? 'http://127.0.0.1:8080';
  const load = (path: string, what: string) => {
    if (!existsSync(path)) {
      throw new OperatorError(
        'NOT_FOUND',
        `${what} key file ${path} not found (start the dev cluster with 'cairn dev', or pass --key FILE)`,
      );
    }
    try {
      return readKeyFile(path);
    } catch (error) {
      throw new OperatorError('INVALID_INPUT', (error as Error).message);
    }
  };
  return {
    api: new CoordinatorClient(url),
    dev,
    devDir,
    initiatorKey() {
      const path = params.keyFile ?? dev?.keys.initiator ?? existing(join(devDir, 'keys', 'initiator.key'));
      if (!path) throw new OperatorError('NOT_FOUND', "no initiator key: pass --key FILE or run 'cairn dev'");
      return load(path, 'initiator');
    },
    adminKeys() {
      const paths = params.adminKeyFiles?.length
        ? params.adminKeyFiles
        : (dev?.keys.admins ??
          [join(devDir, 'keys', 'admin-1.key'), join(devDir, 'keys', 'admin-2.key')].filter((p) =>
            existsSync(p),
          ));
      if (!paths?.length)
        throw new OperatorError('NOT_FOUND', "no admin keys: pass --admin-key FILE or run 'cairn dev'");
      return paths.map((p) => load(p, 'admin'));
    },
  };
}

export { publicKeyOf };

function existing(path: string): string | undefined {
  return existsSync(path) ? path : undefined;
}
