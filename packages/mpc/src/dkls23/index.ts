export { deriveChild } from './derive.ts';
export { Dkls23Presignature } from './presignature.ts';
export { Dkls23Scheme, dkls23 } from './scheme.ts';
