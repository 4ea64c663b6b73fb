import { z } from 'zod';
import { QualityLevel } from './common.js';
import { WebhookEvent } from './webhook.js';

export const SEED_MAX = 2 ** 32;

export const GenerateRequest = z
  .object({
    preset_id: z.string().min(1).max(200).describe('Id of the workflow preset, from GET /api/pipeline/presets'),
    prompt: z.string().min(1).max(2000).describe('What to generate (1–2000 characters)'),
    negative_prompt: z
      .string()
      .max(2000)
      .optional()
      .describe('What to avoid (up to 2000 characters); the preset default is used when omitted'),
    quality_level: QualityLevel.default('standard'),
    seed: z
      .number()
      .int()
      .min(0)
      .max(SEED_MAX)
      .optional()
      .describe('Sampler seed 0..2^32; random when omitted, always recorded'),
    identity_reference: z
      .array(z.string().min(1).max(200))
      .optional()
      .describe('Upload ids from POST /api/pipeline/uploads (1–3) of the face to keep; requires consent_given'),
    init_image: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe(
        'Upload id from POST /api/pipeline/uploads of the picture to animate, for presets that take one (image_to_video_v1); requires consent_given',
      ),
    consent_given: z.boolean().default(false).describe('The depicted person agreed to the use of their likeness'),
    webhook_url: z
      .string()
      .max(2048)
      .optional()
      .describe(
        "http(s) URL told of the job's end: a signed POST (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature), retried until answered 2xx. Needs WEBHOOK_SECRET on the server; private and metadata addresses are refused unless WEBHOOK_ALLOW_PRIVATE=true",
      ),
    webhook_events: z
      .array(WebhookEvent)
      .min(1)
      .max(4)
      .optional()
      .describe(
        'What to tell webhook_url of (default: job.completed, job.failed, job.cancelled); add job.progress for a message as each quarter of the run is passed',
      ),
  })
  .strict()
  .describe('Generate an image with a preset');
export type GenerateRequest = z.output<typeof GenerateRequest>;

export const JOB_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export const JobStatusValue = z
  .enum(JOB_STATUSES)
  .describe('Job state: queued → running → completed | failed | cancelled');
export type JobStatusValue = z.infer<typeof JobStatusValue>;

export const GenerateResponse = z
  .object({
    ok: z.literal(true).optional().describe('Present and true on success'),
    job_id: z.string().describe('The job id (UUID)'),
    status: z.enum(['queued', 'running', 'completed', 'failed']).describe('Job state when the response was made'),
    preset_id: z.string().describe('The preset that ran'),
    estimated_time_seconds: z
      .number()
      .int()
      .nullable()
      .describe(
        'Expected run time in whole seconds (rounded up) from recent jobs of the same preset and level; null without history',
      ),
    output_url: z.string().nullable().describe('URL of the first image once completed'),
    error: z.string().nullable().describe('Error code when failed, else null'),
  })
  .describe('Result of a generation request');
export type GenerateResponse = z.infer<typeof GenerateResponse>;
