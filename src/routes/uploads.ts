import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorEnvelope } from '../contracts/common.js';
import { PipelineError } from '../errors/pipeline-error.js';
import { UploadRecord, type UploadStore } from '../store/upload-store.js';
import { InvalidImage, probeImage } from '../util/image-probe.js';

export const uploadRoutes =
  (deps: { uploads: UploadStore; uploadLimitBytes: number; uploadMaxPixels: number }): FastifyPluginAsyncZod =>
  async (app) => {
    // Registered inside this plugin, not on the root: its parser and its preValidation/onResponse
    // hooks then apply to this route only instead of costing every other request (see BENCHMARKS.md).
    await app.register(multipart, {
      limits: { fileSize: deps.uploadLimitBytes, files: 1, fields: 10, parts: 12 },
      throwFileSizeLimit: true,
    });
    app.post(
      '/api/pipeline/uploads',
      {
        schema: {
          tags: ['generation'],
          summary: 'Upload one reference image (multipart/form-data, field "image" or any file field)',
          description:
            'A complete PNG, JPEG or WebP image, recognised and checked by content (structure, dimensions; at most UPLOAD_MAX_PIXELS pixels); the size limit is UPLOAD_LIMIT_BYTES. Returns an upload_id for identity_reference.',
          consumes: ['multipart/form-data'],
          response: {
            201: z.object({
              ok: z.literal(true).describe('Always true on success'),
              upload: UploadRecord.describe('The stored upload'),
            }),
            400: ErrorEnvelope,
            413: ErrorEnvelope,
            415: ErrorEnvelope,
            422: ErrorEnvelope,
          },
        },
      },
      async (request, reply) => {
        let file;
        try {
          file = await request.file();
        } catch (err) {
          // Fastify's own (coded) errors keep their meaning; anything the multipart parser throws is a
          // body that is not the multipart it claims to be (no boundary, broken framing).
          if ((err as { code?: unknown }).code) throw err;
          throw new PipelineError(
            'VALIDATION_ERROR',
            'The body is not valid multipart/form-data (a boundary is required)',
            { cause: err },
          );
        }
        if (!file)
          throw new PipelineError('VALIDATION_ERROR', 'The multipart body has no file part', {
            detail: { field: 'image' },
          });
        let bytes: Buffer;
        try {
          // The part is refused the moment it passes the limit: a client sending without end would
          // otherwise keep the parser discarding its bytes until the part ends, which it never does.
          bytes = await Promise.race([
            file.toBuffer(),
            new Promise<never>((_, reject) =>
              file.file.once('limit', () =>
                reject(
                  new PipelineError('PAYLOAD_TOO_LARGE', 'The uploaded file is larger than UPLOAD_LIMIT_BYTES', {
                    detail: { limit_bytes: deps.uploadLimitBytes },
                  }),
                ),
              ),
            ),
          ]);
        } catch (err) {
          if ((err as { code?: unknown }).code) throw err; // the size limit (413) and Fastify's own
          throw new PipelineError('VALIDATION_ERROR', 'The multipart body is cut off or malformed', { cause: err });
        }
        // The part stream stops at the limit; a truncated file is refused, never stored.
        if (file.file.truncated) {
          throw new PipelineError('PAYLOAD_TOO_LARGE', 'The uploaded file is larger than UPLOAD_LIMIT_BYTES', {
            detail: { limit_bytes: bytes.length },
          });
        }
        let image;
        try {
          image = await probeImage(bytes, deps.uploadMaxPixels);
        } catch (err) {
          if (!(err instanceof InvalidImage)) throw err;
          const notAnImage = err.message.startsWith('the file is not');
          throw new PipelineError(
            notAnImage ? 'VALIDATION_ERROR' : 'INVALID_IMAGE',
            notAnImage ? 'The file is not a PNG, JPEG or WebP image' : `The image was refused: ${err.message}`,
            { detail: { field: file.fieldname.slice(0, 100), size_bytes: bytes.length } },
          );
        }
        const upload = await deps.uploads.save(bytes, image);
        return reply.code(201).send({ ok: true as const, upload });
      },
    );
  };
