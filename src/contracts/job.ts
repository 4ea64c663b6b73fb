import { z } from 'zod';
import { IsoTimestamp, QualityLevel } from './common.js';
import { JobStatusValue } from './generate.js';

export const JobStatus = z
  .object({
    ok: z.literal(true).optional().describe('Present and true on success'),
    job_id: z.string().describe('Job id (UUID)'),
    status: JobStatusValue,
    preset_id: z.string().describe('Preset id'),
    progress: z.number().min(0).max(1).describe('Fraction done, 0..1, from ComfyUI progress messages'),
    created_at: IsoTimestamp,
    started_at: IsoTimestamp.nullable(),
    finished_at: IsoTimestamp.nullable(),
    estimated_time_seconds: z
      .number()
      .int()
      .nullable()
      .describe('Expected run time in whole seconds (rounded up), null without history'),
    output_url: z.string().nullable().describe('URL of the first image once completed'),
    error: z.string().nullable().describe('Human-readable error when failed'),
    error_code: z.string().nullable().describe('Taxonomy code when failed or cancelled'),
    queue_position: z
      .number()
      .int()
      .nonnegative()
      .nullable()
      .optional()
      .describe(
        "While queued: how many jobs run before this one (in ComfyUI's queue, other clients' prompts included, once it is there; else in this service's queue); null otherwise",
      ),
    engine_id: z
      .string()
      .nullable()
      .optional()
      .describe('The ComfyUI backend running or that ran the job (its id in COMFYUI_URLS); null while it waits'),
    attempts: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Backends it has run on: 2 once it moved because its first backend died or faulted'),
  })
  .describe('Current state of a job');
export type JobStatus = z.infer<typeof JobStatus>;

export const ArtifactType = z
  .enum(['image', 'video', 'audio', 'model', 'file'])
  .describe(
    'Kind of output, from its bytes: image (a still), video (MP4/WebM, or an animated WebP, PNG or GIF: content_type says which), audio (FLAC, WAV, MP3, Ogg), model (binary glTF), file (anything else)',
  );

export const ArtifactRecord = z
  .object({
    type: ArtifactType,
    filename: z.string().describe('Server-chosen file name inside the job folder'),
    path: z.string().describe('Path relative to the data folder'),
    url: z.string().describe('Download URL on this service'),
    content_type: z
      .string()
      .describe(
        'MIME type recognised from the bytes (application/octet-stream when unrecognised); not what ComfyUI claimed',
      ),
    size_bytes: z.number().int().nonnegative().describe('Size of the stored file'),
    sha256: z.string().describe('Hex SHA-256 of the stored bytes'),
    width: z.number().int().nullable().describe('Width of an image or animation (PNG, WebP, GIF), null otherwise'),
    height: z.number().int().nullable().describe('Height of an image or animation (PNG, WebP, GIF), null otherwise'),
    node_id: z.string().describe('ComfyUI output node that produced it'),
    comfy_filename: z.string().describe('File name on the ComfyUI side'),
    comfy_subfolder: z.string().describe('Subfolder on the ComfyUI side'),
    created_at: IsoTimestamp,
  })
  .describe('One stored output file');
export type ArtifactRecord = z.infer<typeof ArtifactRecord>;

export const Provenance = z
  .object({
    preset_id: z.string().describe('Preset id'),
    preset_sha256: z.string().describe('SHA-256 of the preset file that was used'),
    quality_level: QualityLevel,
    engine: z.string().describe('Engine id that ran the job'),
    seed: z.number().int().describe('Sampler seed used'),
    prompt_id: z.string().nullable().describe('ComfyUI prompt id'),
    graph_sha256: z.string().nullable().describe('SHA-256 of the submitted graph (canonical JSON)'),
    models: z.record(z.string(), z.string()).describe('Model files named in the graph'),
    png_text_redacted: z
      .object({
        chunks_changed: z
          .number()
          .int()
          .describe(
            "PNG text chunks (ComfyUI's embedded prompt/workflow) whose credentials were removed; 0 when none had any",
          ),
      })
      .optional()
      .describe(
        'Stored PNGs had their text chunks passed through the same redaction as prompts (the chunks are kept, so the graph still loads into ComfyUI)',
      ),
  })
  .describe('How the outputs were made');
export type Provenance = z.infer<typeof Provenance>;

export const JobHistory = z
  .object({
    schema_version: z.literal(1),
    job_id: z.string(),
    preset_id: z.string(),
    user_id: z.string().nullable(),
    status: JobStatusValue,
    created_at: IsoTimestamp,
    started_at: IsoTimestamp.nullable(),
    finished_at: IsoTimestamp.nullable(),
    inputs: z.record(z.string(), z.unknown()).describe('Request inputs, secrets redacted'),
    outputs: z.array(ArtifactRecord),
    engine_used: z.string().nullable(),
    quality_level: QualityLevel,
    credit_cost: z.number().nonnegative(),
    error: z.string().nullable(),
    error_code: z.string().nullable(),
    remediation: z.array(z.string()),
    logs: z.string().describe('Path of the JSONL event log, relative to the data folder'),
    progress: z.number().min(0).max(1),
    seed: z.number().int(),
    consent: z.object({ given: z.boolean(), required: z.boolean(), recorded_at: IsoTimestamp }),
    engine_prompt_id: z.string().nullable(),
    error_detail: z.record(z.string(), z.unknown()).nullable(),
    provenance: Provenance.nullable(),
    idempotency_key: z
      .string()
      .nullable()
      .optional()
      .describe('SHA-256 of the Idempotency-Key header, if one was sent'),
    submit_attempts: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe('ComfyUI submissions so far (restart recovery resubmits at most once)'),
    attempts: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe(
        'Runs on a backend so far: 2 once the job moved to another backend because its first one died, ran out of memory twice or hit a CUDA fault (at most 2)',
      ),
    migrated_from: z
      .object({
        service: z.literal('ainfluencer-python').describe('The original Python service wrote this job'),
        migrated_at: IsoTimestamp,
        original_status: z.string().describe('The status its file said'),
        notes: z
          .array(z.string())
          .describe('What was reconstructed and why (seed and consent were not recorded by the original)'),
      })
      .optional()
      .describe("Present on jobs read from the original service's files"),
  })
  .strict()
  .describe('The stored record of a job (jobs/{job_id}.json)');
export type JobHistory = z.infer<typeof JobHistory>;

export const ArtifactsResponse = z.object({
  ok: z.literal(true).describe('Always true on success'),
  job_id: z.string().describe('Job id'),
  artifacts: z.array(ArtifactRecord.extend({ provenance: Provenance.nullable() })).describe('Stored outputs, in order'),
});
