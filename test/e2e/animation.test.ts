import { describe, expect, it } from 'vitest';
import { call, expectEnvelope } from '../helpers/http.js';
import { jobEnded } from '../helpers/job-end.js';
import { referencePng } from '../helpers/png-fixture.js';
import { useSimulatedService } from '../helpers/service.js';

const ctx = useSimulatedService();

async function uploadPicture(): Promise<string> {
  const form = new FormData();
  form.append('image', new Blob([referencePng(0x4080c0, 48)], { type: 'image/png' }), 'picture.png');
  const res = await call(ctx.svc.url, 'POST', '/api/pipeline/uploads', { body: form });
  expect(res.status).toBe(201);
  return res.json.upload.upload_id as string;
}
const animate = (fields: Record<string, unknown>) =>
  call(ctx.svc.url, 'POST', '/api/pipeline/generate/image', {
    json: { preset_id: 'image_to_video_v1', prompt: 'the lighthouse, waves moving', ...fields },
    headers: { prefer: 'respond-async' },
  });

describe('image_to_video_v1: a picture animated end to end (Stable Video Diffusion core nodes)', () => {
  it('stores an animated WebP and an MP4 as video, lists them, and serves byte ranges a player asks for', async () => {
    const picture = await uploadPicture();
    const res = await animate({ init_image: picture, consent_given: true, quality_level: 'standard', seed: 5 });
    expect(res.status).toBe(202);
    const job = await jobEnded(ctx.svc.url, res.json.job_id);
    expect(job.status).toBe('completed');
    // The graph ComfyUI ran: SVD conditioning from the uploaded picture, 25 frames at 8 fps.
    const logs = (await call(ctx.svc.url, 'GET', `/api/pipeline/jobs/${job.job_id}/logs`)).json.events;
    expect(logs.map((e: { event: string }) => e.event)).toContain('graph_built');
    const listed = (await call(ctx.svc.url, 'GET', `/api/pipeline/jobs/${job.job_id}/artifacts`)).json.artifacts;
    expect(listed.map((a: any) => [a.type, a.content_type, a.filename])).toEqual([
      ['video', 'image/webp', 'video_001.webp'],
      ['video', 'video/mp4', 'video_002.mp4'],
    ]);
    expect(listed[0]).toMatchObject({ width: 1024, height: 576 });
    expect(job.output_url).toBe(listed[0].url);
    for (const a of listed) {
      const whole = await fetch(`${ctx.svc.url}${a.url}`);
      const bytes = Buffer.from(await whole.arrayBuffer());
      expect(whole.headers.get('content-type')).toContain(a.content_type);
      expect(bytes.length).toBe(a.size_bytes);
      expect(whole.headers.get('accept-ranges')).toBe('bytes');
      // What a video element asks for first, then a seek into the middle.
      const first = await fetch(`${ctx.svc.url}${a.url}`, { headers: { range: 'bytes=0-' } });
      expect(first.status).toBe(206);
      expect(first.headers.get('content-range')).toBe(`bytes 0-${a.size_bytes - 1}/${a.size_bytes}`);
      await first.arrayBuffer();
      const middle = await fetch(`${ctx.svc.url}${a.url}`, { headers: { range: 'bytes=16-47' } });
      expect(middle.status).toBe(206);
      expect(Buffer.from(await middle.arrayBuffer())).toEqual(bytes.subarray(16, 48));
    }
    const webp = Buffer.from(await (await fetch(`${ctx.svc.url}${listed[0].url}`)).arrayBuffer());
    expect(webp.toString('latin1').match(/ANMF/g)).toHaveLength(25);
  });

  it('at low there is no MP4; without consent, without init_image or with one a preset does not take, it is refused', async () => {
    const picture = await uploadPicture();
    const low = await animate({ init_image: picture, consent_given: true, quality_level: 'low' });
    const job = await jobEnded(ctx.svc.url, low.json.job_id);
    const listed = (await call(ctx.svc.url, 'GET', `/api/pipeline/jobs/${job.job_id}/artifacts`)).json.artifacts;
    expect(listed.map((a: any) => a.filename)).toEqual(['video_001.webp']);
    expect(
      Buffer.from(await (await fetch(`${ctx.svc.url}${listed[0].url}`)).arrayBuffer())
        .toString('latin1')
        .match(/ANMF/g),
    ).toHaveLength(14);
    expectEnvelope(await animate({ init_image: picture }), 400, 'CONSENT_MISSING');
    const missing = await animate({ consent_given: true });
    expectEnvelope(missing, 422, 'MISSING_REQUIRED_FIELD');
    expect(missing.json.missing_fields).toEqual(['init_image']);
    expectEnvelope(
      await animate({ init_image: '00000000-0000-4000-8000-000000000000', consent_given: true }),
      422,
      'INVALID_FIELD_VALUE',
    );
    expectEnvelope(
      await call(ctx.svc.url, 'POST', '/api/pipeline/generate/image', {
        json: { preset_id: 'photoreal_portrait_v1', prompt: 'x', init_image: picture, consent_given: true },
      }),
      422,
      'INVALID_FIELD_VALUE',
    );
  });
});
