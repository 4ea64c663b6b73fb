import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorEnvelope } from '../contracts/common.js';
import { PipelineError } from '../errors/pipeline-error.js';
import { UploadRecord, sniffImage, type UploadStore } from '../store/upload-store.js';

export const uploadRoutes = (deps: { uploads: UploadStore; uploadLimitBytes: number }): FastifyPluginAsyncZod => async (app) => {
  // Registered inside this plugin, not on the root: its parser and its preValidation/onResponse
  // hooks then apply to this route only instead of costing every other request (see BENCHMARKS.md).
  await app.register(multipart, { limits: { fileSize: deps.uploadLimitBytes, files: 1, fields: 10, parts: 12 }, throwFileSizeLimit: true });
  app.post('/api/pipeline/uploads', {
    schema: {
      tags: ['generation'],
      summary: 'Upload one reference image (multipart/form-data, field "image" or any file field)',
      description: 'PNG, JPEG or WebP, recognised by content; the size limit is UPLOAD_LIMIT_BYTES. Returns an upload_id for identity_reference.',
      consumes: ['multipart/form-data'],
      response: { 201: z.object({ ok: z.literal(true).describe('Always true on success'), upload: UploadRecord.describe('The stored upload') }), 400: ErrorEnvelope, 413: ErrorEnvelope, 415: ErrorEnvelope },
    },
  }, async (request, reply) => {
    const file = await request.file();
    if (!file) throw new PipelineError('VALIDATION_ERROR', 'The multipart body has no file part', { detail: { field: 'image' } });
    const bytes = await file.toBuffer();
    // The part stream stops at the limit; a truncated file is refused, never stored.
    if (file.file.truncated) {
      throw new PipelineError('PAYLOAD_TOO_LARGE', 'The uploaded file is larger than UPLOAD_LIMIT_BYTES', { detail: { limit_bytes: bytes.length } });
    }
    const type = sniffImage(bytes);
    if (!type) {
      throw new PipelineError('VALIDATION_ERROR', 'The file is not a PNG, JPEG or WebP image', { detail: { field: file.fieldname, size_bytes: bytes.length } });
    }
    const upload = await deps.uploads.save(bytes, type);
    return reply.code(201).send({ ok: true as const, upload });
  });
};
