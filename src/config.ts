import path from 'node:path';
import { z } from 'zod';
import { repoRoot } from './util/paths.js';
import { isSecretKey, redactString } from './util/redact.js';
import { parseBackendList, type BackendConfig } from './config-backends.js';
import { parseDurations, parseWebhookSecrets, type WebhookConfig } from './config-webhooks.js';

export type { WebhookConfig } from './config-webhooks.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const port = (fallback: number) =>
  z.coerce
    .number({ error: 'an integer from 0 to 65535' })
    .int('an integer from 0 to 65535')
    .min(0, 'an integer from 0 to 65535')
    .max(65535, 'an integer from 0 to 65535')
    .default(fallback);
const positiveInt = (fallback: number, what: string) =>
  z.coerce.number({ error: what }).int(what).positive(what).default(fallback);
const httpUrl = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((value) => {
      try {
        const u = new URL(value);
        return (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password;
      } catch {
        return false;
      }
    }, 'an http(s) URL without credentials, e.g. http://127.0.0.1:8188');
const nonEmpty = (fallback: string) => z.string().trim().min(1, 'a non-empty string').default(fallback);

/**
 * Every environment variable the service reads. The README's configuration table mirrors this list;
 * a test keeps the two in step. This file is one job, the configuration: over 300 lines because it is
 * one table of variables and its mapping to AppConfig, read together (the parsing of compound values
 * lives beside it: config-backends.ts, config-webhooks.ts).
 */
export const configSchema = z.object({
  PORT: port(8000),
  HOST: nonEmpty('127.0.0.1'),
  COMFYUI_URL: httpUrl('http://127.0.0.1:8188'),
  COMFYUI_URLS: z.string().optional(),
  REDIS_URL: z
    .string()
    .optional()
    .refine((value) => {
      if (value === undefined) return true;
      try {
        const u = new URL(value);
        return u.protocol === 'redis:' || u.protocol === 'rediss:';
      } catch {
        return false;
      }
    }, 'a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379/0'),
  QUEUE: z.enum(['memory', 'bullmq'], { error: 'one of memory, bullmq' }).default('memory'),
  JOB_STORE: z.enum(['files', 'postgres'], { error: 'one of files, postgres' }).default('files'),
  ARTIFACT_STORE: z.enum(['local', 's3'], { error: 'one of local, s3' }).default('local'),
  DATABASE_URL: z
    .string()
    .optional()
    .refine((value) => value === undefined || /^postgres(ql)?:\/\//.test(value), 'a postgres:// URL'),
  S3_ENDPOINT: z
    .string()
    .optional()
    .refine((value) => value === undefined || /^https?:\/\//.test(value), 'an http(s) URL'),
  S3_BUCKET: z.string().trim().min(1, 'a bucket name').optional(),
  S3_REGION: nonEmpty('us-east-1'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, - and _ (at most 40)')
    .default('ainfluencer'),
  QUEUE_LEASE_MS: positiveInt(30_000, 'a positive integer number of milliseconds'),
  QUEUE_STALLED_INTERVAL_MS: positiveInt(5_000, 'a positive integer number of milliseconds'),
  QUEUE_RECONCILE_MS: positiveInt(10_000, 'a positive integer number of milliseconds'),
  AINFLUENCER_DATA_DIR: nonEmpty(path.join(repoRoot, '.ainfluencer')),
  AINFLUENCER_PRESETS_DIR: nonEmpty(path.join(repoRoot, 'presets')),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty'], { error: 'one of auto, json, pretty' }).default('auto'),
  CORS_ORIGINS: z.string().default('http://localhost:3000'),
  BODY_LIMIT_BYTES: positiveInt(1_048_576, 'a positive integer number of bytes'),
  UPLOAD_LIMIT_BYTES: positiveInt(10 * 1_048_576, 'a positive integer number of bytes'),
  JOB_DEADLINE_SECONDS: positiveInt(600, 'a positive integer number of seconds'),
  JOB_DEADLINE_SECONDS_LOW: z.coerce
    .number({ error: 'a positive integer number of seconds' })
    .int('a positive integer number of seconds')
    .positive('a positive integer number of seconds')
    .optional(),
  JOB_DEADLINE_SECONDS_STANDARD: z.coerce
    .number({ error: 'a positive integer number of seconds' })
    .int('a positive integer number of seconds')
    .positive('a positive integer number of seconds')
    .optional(),
  JOB_DEADLINE_SECONDS_PRO: z.coerce
    .number({ error: 'a positive integer number of seconds' })
    .int('a positive integer number of seconds')
    .positive('a positive integer number of seconds')
    .optional(),
  JOB_CONCURRENCY: positiveInt(1, 'a positive integer'),
  JOB_PREFETCH: z.coerce
    .number({ error: 'an integer from 0 to 64' })
    .int('an integer from 0 to 64')
    .min(0, 'an integer from 0 to 64')
    .max(64, 'an integer from 0 to 64')
    .default(1),
  QUEUE_MAX_DEPTH: positiveInt(100, 'a positive integer'),
  RATE_LIMIT_PER_MINUTE: z.coerce
    .number({ error: 'a non-negative integer (0 turns the limit off)' })
    .int('a non-negative integer (0 turns the limit off)')
    .min(0, 'a non-negative integer (0 turns the limit off)')
    .default(10),
  SHUTDOWN_GRACE_SECONDS: z.coerce
    .number({ error: 'a non-negative integer number of seconds' })
    .int('a non-negative integer number of seconds')
    .min(0, 'a non-negative integer number of seconds')
    .default(20),
  RETENTION_MAX_AGE_DAYS: z.coerce
    .number({ error: 'a positive number of days' })
    .positive('a positive number of days')
    .optional(),
  RETENTION_MAX_BYTES: z.coerce
    .number({ error: 'a positive integer number of bytes' })
    .int('a positive integer number of bytes')
    .positive('a positive integer number of bytes')
    .optional(),
  COMFYUI_HTTP_TIMEOUT_MS: positiveInt(30_000, 'a positive integer number of milliseconds'),
  COMFYUI_HEALTH_TIMEOUT_MS: positiveInt(2_000, 'a positive integer number of milliseconds'),
  COMFYUI_CHECKPOINT: nonEmpty('sd_xl_base_1.0.safetensors'),
  COMFYUI_UPSCALE_MODEL: nonEmpty('RealESRGAN_x2plus.pth'),
  COMFYUI_FACE_RESTORE_MODEL: nonEmpty('codeformer-v0.1.0.pth'),
  COMFYUI_INSTANTID_MODEL: nonEmpty('ip-adapter.bin'),
  COMFYUI_INSTANTID_CONTROLNET: nonEmpty('instantid/diffusion_pytorch_model.safetensors'),
  COMFYUI_TONEMAP_LUT: nonEmpty('reinhard_tonemap.cube'),
  COMFYUI_GRADING_LUT: nonEmpty('teal_orange_grade.cube'),
  AINFLUENCER_API_TOKEN: z.string().min(16, 'at least 16 characters (use a random secret)').optional(),
  OUTPUT_MAX_BYTES: positiveInt(512 * 1_048_576, 'a positive integer number of bytes'),
  OUTPUT_MAX_COUNT: positiveInt(256, 'a positive integer'),
  COMFYUI_MAX_JSON_BYTES: positiveInt(64 * 1_048_576, 'a positive integer number of bytes'),
  COMFYUI_WS_MAX_PAYLOAD_BYTES: positiveInt(4 * 1_048_576, 'a positive integer number of bytes'),
  COMFYUI_DOWNLOAD_CONCURRENCY: positiveInt(4, 'a positive integer'),
  HEALTH_CACHE_MS: z.coerce
    .number({ error: 'a non-negative integer number of milliseconds' })
    .int('a non-negative integer number of milliseconds')
    .min(0, 'a non-negative integer number of milliseconds')
    .default(1_500),
  REQUEST_TIMEOUT_MS: positiveInt(30_000, 'a positive integer number of milliseconds'),
  MAX_CONNECTIONS: positiveInt(1_024, 'a positive integer'),
  SSE_MAX_STREAMS: positiveInt(256, 'a positive integer'),
  SSE_MAX_STREAMS_PER_JOB: positiveInt(16, 'a positive integer'),
  UPLOAD_MAX_PIXELS: positiveInt(40_000_000, 'a positive integer number of pixels'),
  WEBHOOK_SECRET: z
    .string()
    .optional()
    .refine(
      (value) => value === undefined || parseWebhookSecrets(value) !== null,
      'one or more whsec_<base64> secrets of 24 to 64 bytes, separated by spaces or commas (e.g. whsec_$(openssl rand -base64 32))',
    ),
  WEBHOOK_ALLOW_PRIVATE: z.enum(['true', 'false'], { error: 'true or false' }).default('false'),
  WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .default('5s,30s,2m,10m,1h,6h')
    .refine(
      (value) => parseDurations(value) !== null,
      'a comma-separated list of up to 20 waits such as 5s,30s,2m,10m,1h,6h (ms, s, m, h)',
    ),
  WEBHOOK_TIMEOUT_MS: positiveInt(10_000, 'a positive integer number of milliseconds'),
  WEBHOOK_CONCURRENCY: positiveInt(8, 'a positive integer'),
  COMFYUI_INSIGHTFACE_PROVIDER: z
    .enum(['CPU', 'CUDA', 'ROCM', 'CoreML'], { error: 'one of CPU, CUDA, ROCM, CoreML' })
    .default('CUDA'),
});

type RawConfig = z.output<typeof configSchema>;

export interface AppConfig {
  port: number;
  host: string;
  /** The first backend's URL (the one-backend form, COMFYUI_URL). */
  comfyuiUrl: string;
  /** Every ComfyUI backend (COMFYUI_URLS, or COMFYUI_URL alone). */
  backends: BackendConfig[];
  dataDir: string;
  presetsDir: string;
  logLevel: (typeof LOG_LEVELS)[number];
  /** json, or pretty (one readable line per entry); auto picks pretty when stdout is a terminal. */
  logFormat: 'json' | 'pretty';
  corsOrigins: string[];
  bodyLimitBytes: number;
  uploadLimitBytes: number;
  /** Deadline of a job from its start, per quality level. */
  jobDeadlineMs: Record<'low' | 'standard' | 'pro', number>;
  jobConcurrency: number;
  queueMaxDepth: number;
  /** Generate requests per minute per client; 0 = off. */
  rateLimitPerMinute: number;
  shutdownGraceMs: number;
  retention: { maxAgeMs: number | null; maxBytes: number | null };
  comfyHttpTimeoutMs: number;
  comfyHealthTimeoutMs: number;
  models: ModelDefaults;
  /** When set, every route but /api/health requires `Authorization: Bearer <token>`. */
  apiToken: string | null;
  /** Redis shared by every instance (the generate rate limit counts there); null = in process. */
  redisUrl: string | null;
  /** Which implementation of each port: the embedded default, or the distributed one. */
  stores: {
    queue: 'memory' | 'bullmq';
    jobs: 'files' | 'postgres';
    artifacts: 'local' | 's3';
    databaseUrl: string | null;
    s3: { endpoint: string | null; bucket: string | null; region: string };
    /** Redis key prefix of the shared queue: instances with the same prefix share it. */
    queuePrefix: string;
    stalledIntervalMs: number;
    reconcileMs: number;
  };
  /** A shared queue's lease, kept by heartbeats (null: in process, leases outlive any run). */
  queueLeaseMs: number | null;
  queueReconcileMs: number;
  limits: Limits;
  webhooks: WebhookConfig;
}

/** Bounds on what ComfyUI and clients may make the service hold or wait for. */
export interface Limits {
  outputMaxBytes: number;
  outputMaxCount: number;
  comfyMaxJsonBytes: number;
  comfyWsMaxPayloadBytes: number;
  comfyDownloadConcurrency: number;
  healthCacheMs: number;
  requestTimeoutMs: number;
  maxConnections: number;
  sseMaxStreams: number;
  sseMaxStreamsPerJob: number;
  uploadMaxPixels: number;
}

/** Model file names the graph builder uses unless a preset overrides them. */
export interface ModelDefaults {
  checkpoint: string;
  upscale_model: string;
  face_restore_model: string;
  instantid_model: string;
  instantid_controlnet: string;
  tonemap_lut: string;
  grading_lut: string;
  insightface_provider: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parse the environment once. A bad value throws a ConfigError whose message is one line naming the
 * variable, what is allowed and what was given, so `server.ts` can print it and exit.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // Empty strings count as unset so `PORT= npm start` behaves like leaving it out.
  const relevant: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') relevant[key] = value;
  }
  const parsed = configSchema.safeParse(relevant);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    throw new ConfigError(
      `Invalid configuration: ${name} must be ${issue.message} (got ${describeGiven(name, relevant[name])})`,
    );
  }
  let backends: BackendConfig[];
  try {
    backends = parseBackendList(
      parsed.data.COMFYUI_URLS ?? parsed.data.COMFYUI_URL,
      parsed.data.JOB_CONCURRENCY,
      parsed.data.JOB_PREFETCH,
    );
  } catch (err) {
    const name = parsed.data.COMFYUI_URLS === undefined ? 'COMFYUI_URL' : 'COMFYUI_URLS';
    throw new ConfigError(
      `Invalid configuration: ${name} must be ${(err as Error).message} (got ${describeGiven(name, relevant[name])})`,
    );
  }
  const needs: [boolean, string, string][] = [
    [parsed.data.QUEUE === 'bullmq' && !parsed.data.REDIS_URL, 'REDIS_URL', 'set when QUEUE=bullmq'],
    [parsed.data.JOB_STORE === 'postgres' && !parsed.data.DATABASE_URL, 'DATABASE_URL', 'set when JOB_STORE=postgres'],
    [parsed.data.ARTIFACT_STORE === 's3' && !parsed.data.S3_BUCKET, 'S3_BUCKET', 'set when ARTIFACT_STORE=s3'],
  ];
  for (const [missing, name, rule] of needs)
    if (missing) throw new ConfigError(`Invalid configuration: ${name} must be ${rule} (got nothing)`);
  return fromRaw(parsed.data, backends);
}

/** What a refused value was, without echoing a credential: secrets by length only, URLs without user:password. */
function describeGiven(name: string, value: string | undefined): string {
  if (value === undefined) return 'nothing';
  if (isSecretKey(name)) return `a value of ${value.length} characters`;
  return redactString(JSON.stringify(value));
}

function fromRaw(raw: RawConfig, backends: BackendConfig[]): AppConfig {
  return {
    port: raw.PORT,
    host: raw.HOST,
    comfyuiUrl: backends[0]!.url,
    backends,
    dataDir: path.resolve(raw.AINFLUENCER_DATA_DIR),
    presetsDir: path.resolve(raw.AINFLUENCER_PRESETS_DIR),
    logLevel: raw.LOG_LEVEL,
    logFormat: raw.LOG_FORMAT === 'auto' ? (process.stdout.isTTY ? 'pretty' : 'json') : raw.LOG_FORMAT,
    corsOrigins: raw.CORS_ORIGINS.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    bodyLimitBytes: raw.BODY_LIMIT_BYTES,
    uploadLimitBytes: raw.UPLOAD_LIMIT_BYTES,
    jobDeadlineMs: {
      low: (raw.JOB_DEADLINE_SECONDS_LOW ?? raw.JOB_DEADLINE_SECONDS) * 1000,
      standard: (raw.JOB_DEADLINE_SECONDS_STANDARD ?? raw.JOB_DEADLINE_SECONDS) * 1000,
      pro: (raw.JOB_DEADLINE_SECONDS_PRO ?? raw.JOB_DEADLINE_SECONDS) * 1000,
    },
    jobConcurrency: raw.JOB_CONCURRENCY,
    queueMaxDepth: raw.QUEUE_MAX_DEPTH,
    rateLimitPerMinute: raw.RATE_LIMIT_PER_MINUTE,
    shutdownGraceMs: raw.SHUTDOWN_GRACE_SECONDS * 1000,
    retention: {
      maxAgeMs: raw.RETENTION_MAX_AGE_DAYS ? raw.RETENTION_MAX_AGE_DAYS * 86_400_000 : null,
      maxBytes: raw.RETENTION_MAX_BYTES ?? null,
    },
    comfyHttpTimeoutMs: raw.COMFYUI_HTTP_TIMEOUT_MS,
    comfyHealthTimeoutMs: raw.COMFYUI_HEALTH_TIMEOUT_MS,
    apiToken: raw.AINFLUENCER_API_TOKEN ?? null,
    redisUrl: raw.REDIS_URL ?? null,
    stores: {
      queue: raw.QUEUE,
      jobs: raw.JOB_STORE,
      artifacts: raw.ARTIFACT_STORE,
      databaseUrl: raw.DATABASE_URL ?? null,
      s3: { endpoint: raw.S3_ENDPOINT ?? null, bucket: raw.S3_BUCKET ?? null, region: raw.S3_REGION },
      queuePrefix: raw.QUEUE_PREFIX,
      stalledIntervalMs: raw.QUEUE_STALLED_INTERVAL_MS,
      reconcileMs: raw.QUEUE_RECONCILE_MS,
    },
    queueLeaseMs: raw.QUEUE === 'bullmq' ? raw.QUEUE_LEASE_MS : null,
    queueReconcileMs: raw.QUEUE_RECONCILE_MS,
    limits: {
      outputMaxBytes: raw.OUTPUT_MAX_BYTES,
      outputMaxCount: raw.OUTPUT_MAX_COUNT,
      comfyMaxJsonBytes: raw.COMFYUI_MAX_JSON_BYTES,
      comfyWsMaxPayloadBytes: raw.COMFYUI_WS_MAX_PAYLOAD_BYTES,
      comfyDownloadConcurrency: raw.COMFYUI_DOWNLOAD_CONCURRENCY,
      healthCacheMs: raw.HEALTH_CACHE_MS,
      requestTimeoutMs: raw.REQUEST_TIMEOUT_MS,
      maxConnections: raw.MAX_CONNECTIONS,
      sseMaxStreams: raw.SSE_MAX_STREAMS,
      sseMaxStreamsPerJob: raw.SSE_MAX_STREAMS_PER_JOB,
      uploadMaxPixels: raw.UPLOAD_MAX_PIXELS,
    },
    webhooks: {
      secrets: raw.WEBHOOK_SECRET ? parseWebhookSecrets(raw.WEBHOOK_SECRET) : null,
      allowPrivate: raw.WEBHOOK_ALLOW_PRIVATE === 'true',
      retryScheduleMs: parseDurations(raw.WEBHOOK_RETRY_SCHEDULE)!,
      timeoutMs: raw.WEBHOOK_TIMEOUT_MS,
      concurrency: raw.WEBHOOK_CONCURRENCY,
    },
    models: {
      checkpoint: raw.COMFYUI_CHECKPOINT,
      upscale_model: raw.COMFYUI_UPSCALE_MODEL,
      face_restore_model: raw.COMFYUI_FACE_RESTORE_MODEL,
      instantid_model: raw.COMFYUI_INSTANTID_MODEL,
      instantid_controlnet: raw.COMFYUI_INSTANTID_CONTROLNET,
      tonemap_lut: raw.COMFYUI_TONEMAP_LUT,
      grading_lut: raw.COMFYUI_GRADING_LUT,
      insightface_provider: raw.COMFYUI_INSIGHTFACE_PROVIDER,
    },
  };
}
