export { deriveChild } from './derive.ts';
export { Dkls23Presignature } from './presignature.ts';
export { Dkls23Scheme, dkls23 } from './scheme.ts';
export { SIGNING_BYTES_PER_DIRECTION as DKLS23_SIGNING_BYTES_PER_DIRECTION } from './sign.ts';
