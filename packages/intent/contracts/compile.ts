// Compiles the scenario contracts in contracts/src with the `solc` npm package (soljson, no native
// binary) into contracts/artifacts/<Contract>.json: { contractName, sourceName, compiler, abi, bytecode,
// deployedBytecode }. The artifacts are committed so tests do not pay for compilation; the test
// `test/scenarios/artifacts.test.ts` recompiles and fails when they are stale.
//
//   node_modules/.bin/node packages/intent/contracts/compile.ts          # rewrite the artifacts
//   node_modules/.bin/node packages/intent/contracts/compile.ts --check  # exit 1 if stale
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

interface Solc {
  compile(input: string): string;
  version(): string;
}

/** One compiled contract, as stored in contracts/artifacts. */
export interface ContractArtifact {
  contractName: string;
  sourceName: string;
  compiler: string;
  abi: readonly unknown[];
  bytecode: `0x${string}`;
  deployedBytecode: `0x${string}`;
}

export class ContractCompileError extends Error {
  readonly code = 'CONTRACT_COMPILE_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'ContractCompileError';
  }
}

export const CONTRACTS_SOURCE_DIR = join(import.meta.dirname, 'src');
export const CONTRACTS_ARTIFACT_DIR = join(import.meta.dirname, 'artifacts');

/** Settings are part of the build: changing them changes the artifacts. */
const SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: 'prague',
  // No CBOR metadata: byte-identical output across machines and paths, and runtime code that is all code.
  metadata: { appendCBOR: false, bytecodeHash: 'none' },
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
} as const;

interface SolcOutput {
  errors?: { severity: 'error' | 'warning' | 'info'; formattedMessage: string }[];
  contracts?: Record<
    string,
    Record<
      string,
      { abi: unknown[]; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }
    >
  >;
}

/** Compiles every .sol file in contracts/src; returns the artifacts keyed by contract name. */
export function compileContracts(): Map<string, ContractArtifact> {
  const solc = createRequire(import.meta.url)('solc') as Solc;
  const sources: Record<string, { content: string }> = {};
  for (const file of readdirSync(CONTRACTS_SOURCE_DIR).sort()) {
    if (file.endsWith('.sol'))
      sources[file] = { content: readFileSync(join(CONTRACTS_SOURCE_DIR, file), 'utf8') };
  }
  const output = JSON.parse(
    solc.compile(JSON.stringify({ language: 'Solidity', sources, settings: SETTINGS })),
  ) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new ContractCompileError(errors.map((e) => e.formattedMessage).join('\n'));
  const artifacts = new Map<string, ContractArtifact>();
  for (const [sourceName, contracts] of Object.entries(output.contracts ?? {})) {
    for (const [contractName, c] of Object.entries(contracts)) {
      if (c.evm.bytecode.object.length === 0) continue; // interfaces
      if (artifacts.has(contractName))
        throw new ContractCompileError(`duplicate contract name ${contractName}`);
      artifacts.set(contractName, {
        contractName,
        sourceName,
        compiler: `solc ${solc.version()}`,
        abi: c.abi,
        bytecode: `0x${c.evm.bytecode.object}`,
        deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
      });
    }
  }
  return artifacts;
}

/** The exact text stored for an artifact (stable key order, trailing newline). */
export function serializeArtifact(artifact: ContractArtifact): string {
  return `${JSON.stringify(artifact, null, 2)}\n`;
}

/** Names of artifacts whose committed file differs from a fresh compilation (or is missing or extra). */
export function staleArtifacts(fresh: Map<string, ContractArtifact>): string[] {
  const stale: string[] = [];
  const committed = new Set(
    readdirSync(CONTRACTS_ARTIFACT_DIR)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5)),
  );
  for (const [name, artifact] of fresh) {
    let text = '';
    try {
      text = readFileSync(join(CONTRACTS_ARTIFACT_DIR, `${name}.json`), 'utf8');
    } catch {
      // missing: stale
    }
    if (text !== serializeArtifact(artifact)) stale.push(name);
    committed.delete(name);
  }
  return [...stale, ...committed].sort();
}

if (import.meta.main) {
  const fresh = compileContracts();
  if (process.argv.includes('--check')) {
    const stale = staleArtifacts(fresh);
    if (stale.length > 0) {
      console.error(
        `stale contract artifacts: ${stale.join(', ')} (run packages/intent/contracts/compile.ts)`,
      );
      process.exit(1);
    }
    console.log(`${fresh.size} contract artifacts up to date`);
  } else {
    for (const [name, artifact] of fresh) {
      writeFileSync(join(CONTRACTS_ARTIFACT_DIR, `${name}.json`), serializeArtifact(artifact));
    }
    console.log(`wrote ${fresh.size} contract artifacts to ${CONTRACTS_ARTIFACT_DIR}`);
  }
}
