import { randomBytes } from 'node:crypto';
import { dkls23 } from '../../src/dkls23/index.ts';
import { runDkg, runSign } from '../threshold-scheme.suite.ts';
const shares = runDkg(dkls23, 2, [1, 2, 3]);
const t = performance.now();
for (let i = 0; i < 20; i++) runSign(dkls23, [shares.get(1)!, shares.get(3)!], new Uint8Array(randomBytes(32)));
console.log('sign avg', (performance.now() - t) / 20);
