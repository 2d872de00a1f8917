// Compiles DemoToken.sol with the solc npm package (soljson, no native binary). Used to produce
// the committed artifact (`node packages/chains/src/devnet/compile-demo-token.ts --write`) and
// by the test that checks the artifact still matches the source.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { DemoTokenArtifact } from './demo-token.ts';

const sourcePath = join(import.meta.dirname, 'DemoToken.sol');
export const demoTokenArtifactPath = join(import.meta.dirname, 'artifacts', 'DemoToken.json');

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
}

/** Compiles the demo token from source (takes a few seconds: solc runs as WebAssembly). */
export function compileDemoToken(): DemoTokenArtifact {
  const require = createRequire(import.meta.url);
  const solc = require('solc') as { compile(input: string): string; version(): string };
  const input = {
    language: 'Solidity',
    sources: { 'DemoToken.sol': { content: readFileSync(sourcePath, 'utf8') } },
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: 'cancun',
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(`solc: ${errors.map((e) => e.formattedMessage).join('\n')}`);
  const contract = output.contracts['DemoToken.sol']!.DemoToken!;
  return {
    contractName: 'DemoToken',
    compiler: `solc ${solc.version()}`,
    abi: contract.abi,
    bytecode: `0x${contract.evm.bytecode.object}`,
  };
}

if (import.meta.filename === process.argv[1] && process.argv.includes('--write')) {
  writeFileSync(demoTokenArtifactPath, `${JSON.stringify(compileDemoToken(), null, 2)}\n`);
  process.stdout.write(`wrote ${demoTokenArtifactPath}\n`);
}
