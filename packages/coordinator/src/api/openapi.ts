// The OpenAPI 3.1 document, generated from the zod schemas the handlers validate with
// (zod 4 `z.toJSONSchema`, JSON Schema 2020-12 as OpenAPI 3.1 uses).
import { z } from 'zod';

export interface RouteDoc {
  method: 'get' | 'post';
  /** OpenAPI path, e.g. /v1/requests/{requestId}. */
  path: string;
  summary: string;
  body?: z.ZodType;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
}

function jsonSchema(schema: z.ZodType): unknown {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
}

export function openApiDocument(routes: readonly RouteDoc[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const params = [...r.path.matchAll(/\{([^}]+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const responses: Record<string, unknown> = {};
    for (const [status, res] of Object.entries(r.responses)) {
      responses[status] = {
        description: res.description,
        ...(res.schema ? { content: { 'application/json': { schema: jsonSchema(res.schema) } } } : {}),
      };
    }
    paths[r.path] ??= {};
    paths[r.path]![r.method] = {
      summary: r.summary,
      ...(params.length > 0 ? { parameters: params } : {}),
      ...(r.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(r.body) } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Cairn coordinator API',
      version,
      description:
        'Sign requests are Ed25519-signed envelopes (SignedRequest, domain cairn/sign-request/v1) verified here and again by every signer node.',
    },
    paths,
  };
}
