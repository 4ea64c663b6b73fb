// A client generated from the service's own OpenAPI document (openapi-typescript → the `paths`
// types in test/generated/openapi.ts, called through openapi-fetch) runs a job end to end. The
// document is regenerated from the running service and compared with the committed types, so the
// document cannot drift from what clients compile against; `npm run typecheck` compiles this file.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import createClient from 'openapi-fetch';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startComfySimulator, type ComfySimulator } from '../../src/sim/server.js';
import { repoRoot } from '../../src/util/paths.js';
import type { paths } from '../generated/openapi.js';
import { startService, type TestService } from '../helpers/service.js';
import { waitUntil } from '../helpers/wait.js';

const GENERATED = path.join(repoRoot, 'test', 'generated', 'openapi.ts');
const HEADER = [
  '// Generated from GET /docs/json by openapi-typescript: do not edit.',
  '// Regenerate with: npm run generate:api-types',
  '',
].join('\n');

let sim: ComfySimulator;
let svc: TestService;
beforeAll(async () => {
  sim = await startComfySimulator();
  svc = await startService({ COMFYUI_URL: sim.url });
});
afterAll(async () => {
  await svc.close();
  await sim.close();
});

describe('a client generated from /docs/json', () => {
  it('the committed types are what the document generates today', async () => {
    const doc = (await (await fetch(`${svc.url}/docs/json`)).json()) as Record<string, unknown>;
    const generated = HEADER + astToString(await openapiTS(doc as never, { alphabetize: true }));
    if (process.env.UPDATE_API_TYPES === '1') writeFileSync(GENERATED, generated);
    expect(generated, 'the OpenAPI document changed: run npm run generate:api-types and commit').toBe(
      readFileSync(GENERATED, 'utf8'),
    );
  });

  it('runs one job through the typed client: submit async, follow, list artifacts, download a range', async () => {
    const client = createClient<paths>({ baseUrl: svc.url });
    const submitted = await client.POST('/api/pipeline/generate/image', {
      body: { preset_id: 'photoreal_portrait_v1', prompt: 'a typed lighthouse at dusk', quality_level: 'low', seed: 9 },
      params: { header: { prefer: 'respond-async', 'idempotency-key': 'typed-client-1' } },
    });
    expect(submitted.response.status).toBe(202);
    const jobId = submitted.data!.job_id;
    const status = await waitUntil('the job completes', async () => {
      const { data } = await client.GET('/api/pipeline/jobs/{job_id}', { params: { path: { job_id: jobId } } });
      return data?.status === 'completed' ? data : null;
    });
    // Typed fields, as a client compiles against them.
    const progress: number = status.progress;
    const outputUrl: string | null = status.output_url;
    expect(progress).toBe(1);
    expect(outputUrl).toMatch(/image_001\.png$/);
    const artifacts = await client.GET('/api/pipeline/jobs/{job_id}/artifacts', {
      params: { path: { job_id: jobId } },
    });
    const first = artifacts.data!.artifacts[0]!;
    expect(first).toMatchObject({ type: 'image', content_type: 'image/png' });
    const range = await client.GET('/api/pipeline/jobs/{job_id}/artifacts/{filename}', {
      params: { path: { job_id: jobId, filename: first.filename }, header: { range: 'bytes=0-7' } },
      parseAs: 'arrayBuffer',
    });
    expect(range.response.status).toBe(206);
    expect(Buffer.from(range.data as ArrayBuffer).toString('hex')).toBe('89504e470d0a1a0a');
    const webhooks = await client.GET('/api/pipeline/jobs/{job_id}/webhooks', { params: { path: { job_id: jobId } } });
    expect(webhooks.data!.deliveries).toEqual([]);
    // An error comes back as the typed envelope.
    const refused = await client.POST('/api/pipeline/generate/image', {
      body: { preset_id: 'nope', prompt: 'x' },
    });
    expect(refused.error?.error_code).toBe('CONTRACT_MISMATCH');
  });
});
