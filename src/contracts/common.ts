import { z } from 'zod';
import { ERROR_CODES } from '../errors/taxonomy.js';

export const QUALITY_LEVELS = ['low', 'standard', 'pro'] as const;
export const QualityLevel = z
  .enum(QUALITY_LEVELS)
  .describe('Quality level: more sampler steps and post-processing at higher levels');
export type QualityLevel = z.infer<typeof QualityLevel>;

export const ErrorCodeSchema = z.enum(ERROR_CODES as [string, ...string[]]).describe('Stable taxonomy code');

export const FieldErrorSchema = z.object({
  field: z.string().describe('Dotted path of the offending field ("" for the whole body)'),
  message: z.string().describe('What is wrong with it'),
  key: z.string().optional().describe('For an unknown key: the key itself'),
});

/** The one error shape every route answers with. `error` repeats the code for old clients. */
export const ErrorEnvelope = z
  .object({
    ok: z.literal(false).describe('Always false for errors'),
    error: z.string().describe('The error code again (kept for old clients)'),
    error_code: ErrorCodeSchema,
    message: z.string().describe('A human-readable sentence'),
    remediation: z.array(z.string()).describe('Steps that fix the problem'),
    detail: z.record(z.string(), z.unknown()).nullable().describe('Machine-readable context, or null'),
    request_id: z.string().describe('Quote this when reporting a problem; it is in the service log too'),
    retryable: z.boolean().describe('Whether the same request may succeed later'),
    missing_fields: z.array(z.string()).optional().describe('Required fields that were absent'),
    errors: z.array(FieldErrorSchema).optional().describe('One entry per offending field'),
    job_id: z.string().optional().describe('The job that failed, when one was created'),
  })
  .describe('Error envelope');
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;

export const JobIdParams = z
  .object({
    job_id: z.string().describe('Job id (a UUID) as returned by POST /api/pipeline/generate/image'),
  })
  .strict();

export const IsoTimestamp = z.string().describe('ISO 8601 timestamp (UTC)');
