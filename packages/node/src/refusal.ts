// A job the node will not run, with a stable code (the API's `error.code`) and the pipeline step
// or check that refused it. Refusals are expected outcomes, not crashes: the node logs an
// audit-worthy line for each and keeps serving.

export class JobRefusedError extends Error {
  readonly code: string;
  readonly step: string;
  constructor(code: string, message: string, step: string) {
    super(message);
    this.name = 'JobRefusedError';
    this.code = code;
    this.step = step;
  }
}
