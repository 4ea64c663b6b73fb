import { jsonSchemaTransform } from 'fastify-type-provider-zod';

type TransformArgs = Parameters<typeof jsonSchemaTransform>[0];
type JsonSchema = Record<string, unknown>;

const text = (description: string) => ({ type: 'string', description });
const binary = { type: 'string', format: 'binary' };

/**
 * What the route schemas cannot say because they also drive validation: headers read by the
 * handlers themselves, a multipart body parsed by @fastify/multipart, and answers that are not JSON
 * (an event stream, file bytes, Prometheus text). Added to the OpenAPI document only, per route.
 */
const DOCS: Record<string, (schema: JsonSchema) => JsonSchema> = {
  'POST /api/pipeline/generate/image': () => ({
    headers: {
      type: 'object',
      properties: {
        prefer: text(
          '"respond-async": answer 202 at once with the queued job and a Location header; without it the request waits for the end',
        ),
        'idempotency-key': {
          type: 'string',
          minLength: 1,
          maxLength: 200,
          description:
            'Makes retries safe for 24 h: the same key returns the same job; the same key with another body is 409 IDEMPOTENCY_KEY_REUSED',
        },
      },
    },
  }),
  'POST /api/pipeline/uploads': () => ({
    body: {
      type: 'object',
      required: ['image'],
      properties: { image: { ...binary, description: 'The image file: PNG, JPEG or WebP' } },
    },
  }),
  'GET /api/pipeline/jobs/:job_id/events': (schema) => ({
    headers: {
      type: 'object',
      properties: {
        'last-event-id': text('Resume after this event (its sequence number): no gaps, no repeats'),
      },
    },
    response: {
      ...(schema.response as JsonSchema),
      200: {
        description: 'Server-sent events: state, then each log event (id = its sequence number), progress, end',
        content: { 'text/event-stream': { schema: text('An SSE stream') } },
      },
    },
  }),
  'GET /api/pipeline/jobs/:job_id/artifacts/:filename': (schema) => ({
    headers: {
      type: 'object',
      properties: {
        range: text('A byte range ("bytes=0-1023", "bytes=-500"): answered 206, or 416 outside the file'),
        'if-range': text('The ETag of the version the range is for; another version gets the whole file'),
      },
    },
    response: {
      ...(schema.response as JsonSchema),
      200: {
        description: 'The file bytes, with Content-Type, Content-Length, ETag and Accept-Ranges',
        content: Object.fromEntries(
          ['image/png', 'image/jpeg', 'image/webp', 'application/octet-stream'].map((t) => [t, { schema: binary }]),
        ),
      },
      206: {
        description: 'The requested byte range, with Content-Range',
        content: { 'application/octet-stream': { schema: binary } },
      },
      // A range outside the file: the error envelope, like the 404.
      416: (schema.response as JsonSchema)[404],
    },
  }),
  'GET /metrics': () => ({
    response: {
      200: {
        description: 'Prometheus text exposition format 0.0.4',
        content: { 'text/plain; version=0.0.4': { schema: text('Prometheus metrics') } },
      },
    },
  }),
};

/** The OpenAPI transform: zod schemas to JSON Schema, then what only the document needs to know. */
export function openapiTransform(args: TransformArgs): ReturnType<typeof jsonSchemaTransform> {
  const out = jsonSchemaTransform(args);
  const method = [args.route.method].flat()[0];
  const extra = DOCS[`${method} ${args.url}`];
  if (!extra) return out;
  const schema = out.schema as JsonSchema;
  return { ...out, schema: { ...schema, ...extra(schema) } };
}
