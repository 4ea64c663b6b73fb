/**
 * The stable error codes of the service. Codes may be added, never renamed: clients (the web
 * frontend, the smoke script) switch on them. Each code carries its HTTP status, whether retrying
 * the same request can succeed, and remediation steps that name things that exist in this service.
 * Over 300 lines because it is one table, read as one: splitting it would hide a code's neighbours.
 */
export interface ErrorSpec {
  status: number;
  retryable: boolean;
  remediation: readonly string[];
}

const spec = (status: number, retryable: boolean, ...remediation: string[]): ErrorSpec => ({
  status,
  retryable,
  remediation,
});

export const ERROR_TAXONOMY = {
  AUTH_MISSING: spec(
    401,
    false,
    'Send the header "Authorization: Bearer <token>" with every request except GET /api/health.',
    'Ask the operator for the value of AINFLUENCER_API_TOKEN set on the server.',
  ),
  AUTH_INVALID: spec(
    401,
    false,
    'Check that the bearer token matches AINFLUENCER_API_TOKEN on the server exactly (no quotes or spaces).',
    'If the token was rotated, update the client configuration and retry.',
  ),
  AUTH_EXPIRED: spec(
    401,
    false,
    'Obtain a fresh token from the operator and retry.',
    'Check the client clock if tokens carry an expiry.',
  ),
  AUTH_INSUFFICIENT_PERMISSIONS: spec(
    403,
    false,
    'Use a token that is allowed to call this route.',
    'Ask the operator to grant the permission this route needs.',
  ),
  CONTRACT_MISMATCH: spec(
    422,
    false,
    'Compare the request with the schema at GET /docs/json; errors[] names each offending field.',
    'Remove keys the schema does not list: unknown keys are rejected, not ignored.',
    'List valid preset ids with GET /api/pipeline/presets.',
  ),
  MISSING_REQUIRED_FIELD: spec(
    422,
    false,
    'Add every field listed in missing_fields[] to the request body.',
    'See the required inputs of the preset at GET /api/pipeline/presets/{preset_id}.',
  ),
  INVALID_FIELD_TYPE: spec(
    422,
    false,
    'Send each field with the JSON type given in the schema at GET /docs/json.',
    'Numbers must not be quoted; lists must be JSON arrays.',
  ),
  INVALID_FIELD_VALUE: spec(
    422,
    false,
    'Send a value inside the allowed range or list shown in the schema at GET /docs/json.',
    'errors[] names the field and the rule it broke.',
  ),
  DEPENDENCY_MISSING: spec(
    424,
    false,
    'Install the model files named in detail.missing into the ComfyUI models folder given for each, then restart ComfyUI or refresh its model list.',
    "Install the custom node packs named in detail.missing into ComfyUI's custom_nodes/ folder and restart ComfyUI.",
    'Or point the service at other models with COMFYUI_CHECKPOINT and the other COMFYUI_* model variables.',
    'Check what ComfyUI reports with GET /api/pipeline/engines.',
  ),
  ENGINE_OFFLINE: spec(
    503,
    true,
    'Start ComfyUI (python main.py --listen 127.0.0.1 --port 8188) or the bundled simulator (npm run sim).',
    'Check that COMFYUI_URL points at it: curl "$COMFYUI_URL/system_stats" should answer.',
    "GET /api/pipeline/engines shows the engine's health and the last error.",
  ),
  DB_UNAVAILABLE: spec(
    503,
    true,
    'Jobs are kept as files under AINFLUENCER_DATA_DIR, or in the PostgreSQL at DATABASE_URL when JOB_STORE=postgres: check that it is reachable (pg_isready -d "$DATABASE_URL") or that the folder is writable.',
    'Retry once the storage is reachable again.',
  ),
  STORAGE_UNAVAILABLE: spec(
    503,
    true,
    'Artifacts are kept in the S3 bucket S3_BUCKET (ARTIFACT_STORE=s3): check that S3_ENDPOINT answers and the AWS credentials may read and write the bucket.',
    'Retry once the object storage is reachable again.',
  ),
  REDIS_UNAVAILABLE: spec(
    503,
    true,
    'Check that the Redis at REDIS_URL is running and reachable (redis-cli -u "$REDIS_URL" ping).',
    'Retry once the dependency is reachable again.',
  ),
  DOWNLOAD_FAILED: spec(
    502,
    true,
    'Retry the request: fetching an output from ComfyUI failed part-way.',
    "Check ComfyUI's console for errors while serving /view.",
    'Check free space in AINFLUENCER_DATA_DIR.',
  ),
  CHECKSUM_MISMATCH: spec(
    502,
    true,
    'Retry the request: the stored bytes did not match what was received.',
    'Check the disk holding AINFLUENCER_DATA_DIR for errors.',
  ),
  DISK_FULL: spec(
    507,
    false,
    'Free space on the disk holding AINFLUENCER_DATA_DIR (df -h shows it), for example by deleting old jobs under artifacts/.',
    'Or move AINFLUENCER_DATA_DIR to a larger disk and restart.',
  ),
  DOWNLOAD_TIMEOUT: spec(
    504,
    true,
    'Retry the request: ComfyUI did not send the output in time.',
    'Raise COMFYUI_HTTP_TIMEOUT_MS if outputs are very large or the link is slow.',
  ),
  DOWNLOAD_CANCELLED: spec(
    409,
    false,
    'The download stopped because the job was cancelled; submit the job again if you still need it.',
    'Outputs that finished before the cancel are listed at GET /api/pipeline/jobs/{job_id}/artifacts.',
  ),
  FILE_NOT_FOUND: spec(
    404,
    false,
    'Check the id in the URL: job ids are UUIDs returned by POST /api/pipeline/generate/image.',
    'List presets with GET /api/pipeline/presets and artifacts with GET /api/pipeline/jobs/{job_id}/artifacts.',
  ),
  PERMISSION_DENIED: spec(
    500,
    false,
    'Give the service user write access to AINFLUENCER_DATA_DIR (and read access to AINFLUENCER_PRESETS_DIR).',
    'Check the owner of files created by another user, e.g. with ls -l.',
  ),
  INSUFFICIENT_DISK_SPACE: spec(
    507,
    false,
    'Free space or quota on the disk holding AINFLUENCER_DATA_DIR.',
    'Or move AINFLUENCER_DATA_DIR to a larger disk and restart.',
  ),
  CONNECTION_REFUSED: spec(
    503,
    true,
    'Check that the upstream service is running and that its URL (e.g. COMFYUI_URL) is right.',
    'Retry once it is listening.',
  ),
  CONNECTION_TIMEOUT: spec(
    504,
    true,
    'Check network reachability of the upstream (e.g. curl "$COMFYUI_URL/system_stats").',
    'Raise COMFYUI_HTTP_TIMEOUT_MS if the upstream is slow to accept connections.',
    'Retry the request.',
  ),
  SERVICE_UNAVAILABLE: spec(
    503,
    true,
    'The service is busy or shutting down; retry after the number of seconds in the Retry-After header.',
    'Check GET /api/health.',
  ),
  VALIDATION_ERROR: spec(
    400,
    false,
    'Fix the request as described in message and detail.',
    'Compare the request with the schema at GET /docs/json.',
  ),
  MISSING_PARAMETER: spec(
    400,
    false,
    'Add the missing query or path parameter named in detail.',
    "See the route's parameters at GET /docs/json.",
  ),
  RATE_LIMIT_EXCEEDED: spec(
    429,
    true,
    'Wait the number of seconds in the Retry-After header, then retry.',
    'Batch fewer generation requests per minute.',
  ),
  LICENSE_UNKNOWN: spec(
    422,
    false,
    'Use a model whose license is recorded, or record the license before using it.',
    'Point the preset at another model with COMFYUI_CHECKPOINT or the preset\'s "models" field.',
  ),
  CHECKSUM_MISSING: spec(
    422,
    false,
    'Provide the expected checksum for the file, or use a file whose checksum is recorded.',
    'Compute it with sha256sum <file> and record it next to the file.',
  ),
  CONSENT_MISSING: spec(
    400,
    false,
    'Set "consent_given": true in the request once the person shown in identity_reference has agreed to the use of their likeness.',
    'Or remove identity_reference and use a preset that does not require consent.',
  ),
  INSUFFICIENT_FUNDS: spec(
    402,
    false,
    'Top up the account credits before retrying.',
    'Or choose a lower quality_level: low costs 1 credit, standard 2, pro 4.',
  ),
  ENGINE_TIMEOUT: spec(
    504,
    true,
    'Retry with quality_level "low", which takes fewer sampler steps.',
    'Raise JOB_DEADLINE_SECONDS if the GPU is slow or busy with other work.',
    "Check ComfyUI's queue (GET $COMFYUI_URL/queue) for long-running prompts of other clients.",
  ),
  SAFETY_FILTER: spec(
    422,
    false,
    'Rephrase the prompt: the presets do not generate NSFW content.',
    "Read the preset's safety_notes at GET /api/pipeline/presets/{preset_id}.",
  ),
  UNKNOWN_ERROR: spec(
    500,
    true,
    'Retry the request; if it fails again, check the service log for the request_id in this response.',
    'Report the request_id and the steps to reproduce to the maintainers.',
  ),
  // Added by this service (never rename the ones above).
  ENGINE_EXECUTION_FAILED: spec(
    502,
    true,
    'Read detail.node_type and detail.exception_message: ComfyUI failed while running that node.',
    'Out-of-memory errors: retry with quality_level "low" or free VRAM (POST $COMFYUI_URL/free).',
    "Check ComfyUI's console output for the full traceback.",
  ),
  ENGINE_PROTOCOL_ERROR: spec(
    502,
    true,
    'ComfyUI answered in a shape this service does not understand; check that COMFYUI_URL points at ComfyUI.',
    'Update ComfyUI, or report the ComfyUI version shown by GET /api/pipeline/engines.',
  ),
  JOB_CANCELLED: spec(
    409,
    false,
    'The job was cancelled before it finished; submit it again if you still need it.',
    'Read what happened with GET /api/pipeline/jobs/{job_id}/logs.',
  ),
  JOB_NOT_CANCELLABLE: spec(
    409,
    false,
    "Only queued or running jobs can be cancelled; read the job's status with GET /api/pipeline/jobs/{job_id}.",
    "A finished job's outputs stay available at GET /api/pipeline/jobs/{job_id}/artifacts.",
  ),
  WEBHOOKS_NOT_CONFIGURED: spec(
    422,
    false,
    'Leave out webhook_url, or ask the operator to set WEBHOOK_SECRET (whsec_ and base64 of 24–64 random bytes) on the server.',
    'Poll GET /api/pipeline/jobs/{job_id} or follow GET /api/pipeline/jobs/{job_id}/events instead.',
  ),
  WEBHOOK_URL_NOT_ALLOWED: spec(
    422,
    false,
    'Send an http(s) URL of a public host, without user:password and without a #fragment.',
    'For a receiver on a private network, the operator sets WEBHOOK_ALLOW_PRIVATE=true.',
  ),
  WEBHOOK_NOT_REDELIVERABLE: spec(
    409,
    false,
    'This delivery announced an end the job did not keep (a restart re-ran the job), so it is never sent.',
    "List the job's deliveries with GET /api/pipeline/jobs/{job_id}/webhooks and redeliver the one for its actual end.",
  ),
  IDEMPOTENCY_KEY_REUSED: spec(
    409,
    false,
    'Send a new Idempotency-Key for a different request; reuse a key only to retry the same request.',
    'detail.job_id is the job the key already belongs to.',
  ),
  ROUTE_NOT_FOUND: spec(
    404,
    false,
    'Check the method and path; GET /api lists the entry points.',
    'The full API, with every route and schema, is at GET /docs (JSON at /docs/json).',
  ),
  INVALID_JSON: spec(
    400,
    false,
    'Send a well-formed JSON document as the body (check quotes and trailing commas).',
    'Set "Content-Type: application/json".',
  ),
  UNSUPPORTED_MEDIA_TYPE: spec(
    415,
    false,
    'Send JSON bodies with "Content-Type: application/json".',
    'Send uploads to POST /api/pipeline/uploads as multipart/form-data (curl -F image=@face.png).',
  ),
  PAYLOAD_TOO_LARGE: spec(
    413,
    false,
    'Send a smaller body: the limits are BODY_LIMIT_BYTES for JSON and UPLOAD_LIMIT_BYTES for uploads.',
    'Shrink reference images before uploading them.',
  ),
  // Added for hostile upstreams and clients.
  ENGINE_OUTPUT_MISSING: spec(
    502,
    false,
    'ComfyUI no longer has the output file (it answered 404 for /view): it was removed by a restart or a clean-up of its output folder.',
    'Submit the job again; the next run writes a fresh file.',
    "Check that nothing deletes ComfyUI's output/ folder while jobs run.",
  ),
  OUTPUT_TOO_LARGE: spec(
    502,
    false,
    'An output was larger than OUTPUT_MAX_BYTES; nothing of it was kept.',
    'Raise OUTPUT_MAX_BYTES if such outputs are expected (long videos, say).',
    'Check the preset: a batch size or frame count may be far larger than intended.',
  ),
  HOST_NOT_ALLOWED: spec(
    403,
    false,
    'Without AINFLUENCER_API_TOKEN the service answers only requests addressed to a loopback name (localhost, 127.0.0.1, [::1]).',
    'Use http://127.0.0.1:<PORT> or http://localhost:<PORT> in the client.',
    'To serve other names, set AINFLUENCER_API_TOKEN (and HOST to the interface to listen on).',
  ),
  ORIGIN_NOT_ALLOWED: spec(
    403,
    false,
    'Browsers may change state (POST) only from origins listed in CORS_ORIGINS.',
    "Add the web page's origin (scheme://host:port) to CORS_ORIGINS and restart the service.",
  ),
  REQUEST_TIMEOUT: spec(
    408,
    true,
    'Send the whole request within REQUEST_TIMEOUT_MS; the body arrived too slowly.',
    "Check the client's network, or raise REQUEST_TIMEOUT_MS for very slow links.",
  ),
  INVALID_IMAGE: spec(
    422,
    false,
    'Upload a complete PNG, JPEG or WebP image: the bytes did not parse as one.',
    'Images larger than UPLOAD_MAX_PIXELS (width × height) are refused: shrink the image first.',
  ),
  RANGE_NOT_SATISFIABLE: spec(
    416,
    false,
    'Ask for a byte range inside the file: its size is in Content-Range (bytes */size) and in the artifacts listing (size_bytes).',
    'Leave out the Range header to download the whole file.',
  ),
  // Added for the original service's data.
  JOB_INTERRUPTED: spec(
    410,
    true,
    'The original service stopped while this job was queued or running and recorded no ComfyUI prompt id, so it cannot be resumed: submit the same request again.',
    'Its inputs are in the job record (GET /api/pipeline/jobs/{job_id}/logs says what was reconstructed).',
  ),
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_TAXONOMY;
export const ERROR_CODES = Object.keys(ERROR_TAXONOMY) as ErrorCode[];
