import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildService } from '../helpers/child-service.js';
import {
  distributedBody as body,
  sha256 as sha,
  startCluster,
  type TestCluster,
} from '../helpers/distributed-cluster.js';
import { call } from '../helpers/http.js';
import { seededRandom } from '../helpers/random.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { waitUntil } from '../helpers/wait.js';

/**
 * The distributed mode end to end: service instances as real child processes (dist/server.js),
 * three simulator backends, a real redis-server, PostgreSQL and S3-compatible server.
 */
let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startCluster();
}, 120_000);
afterAll(async () => {
  await cluster?.close();
});

/**
 * The distributed mode's acceptance run: 200 async jobs over 2 instances × 3 backends while each
 * instance is SIGKILLed once and restarted and Redis restarts once, empty.
 */
describe('distributed mode under kills: 2 instances × 3 backends over Redis, PostgreSQL and S3', () => {
  it('200 jobs; each instance SIGKILLed once and restarted, Redis restarted once: every job ends once, each prompt runs once, every artifact intact', async () => {
    const { next: random, seed } = seededRandom('two-instances-200');
    const env = await cluster.environment();
    const dirs = [tempDir('instance-a'), tempDir('instance-b')];
    const live: (ChildService | null)[] = [await cluster.instance(env, dirs[0]), await cluster.instance(env, dirs[1])];
    const pick = () => live.filter((c): c is ChildService => c !== null && c.child.exitCode === null);
    const ids: string[] = [];
    const submitOne = async (i: number) => {
      for (;;) {
        const to = pick()[Math.floor(random() * pick().length)];
        if (!to) {
          await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        try {
          const r = await call(to.url, 'POST', '/api/pipeline/generate/image', {
            json: body(1000 + i),
            headers: { prefer: 'respond-async', 'idempotency-key': `job-${seed}-${i}` },
          });
          if (r.status === 202 || r.status === 200) return r.json.job_id as string;
        } catch {
          // the instance was killed under the request: the same key again (elsewhere) is safe
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const disruptions = (async () => {
      for (const [at, what] of [
        [40, 'kill-a'],
        [90, 'redis'],
        [140, 'kill-b'],
      ] as const) {
        await waitUntil(`${at} jobs submitted`, () => (ids.length >= at ? true : null), 120_000, 20);
        if (what === 'redis') {
          await cluster.redis.kill();
          await new Promise((r) => setTimeout(r, 300));
          await cluster.redis.restart();
          continue;
        }
        const i = what === 'kill-a' ? 0 : 1;
        const victim = live[i]!;
        live[i] = null;
        await cluster.kill(victim);
        live[i] = await cluster.instance(env, dirs[i]);
      }
    })();
    for (let i = 0; i < 200; i++) ids.push(await submitOne(i));
    await disruptions;
    expect(new Set(ids).size).toBe(200);
    const finals = await waitUntil(
      'every job ends',
      async () => {
        const c = pick()[0]!;
        const states = await Promise.all(ids.map((id) => call(c.url, 'GET', `/api/pipeline/jobs/${id}`)));
        return states.every((s) => ['completed', 'failed', 'cancelled'].includes(s.json.status))
          ? states.map((s) => s.json)
          : null;
      },
      240_000,
      500,
    ).catch(async (err) => {
      const c = pick()[0]!;
      const states = await Promise.all(ids.map((id) => call(c.url, 'GET', `/api/pipeline/jobs/${id}`)));
      const stuck = states.filter((st) => !['completed', 'failed', 'cancelled'].includes(st.json.status));
      console.log(`[stuck] ${stuck.length}: ${stuck.map((st) => `${st.json.job_id}=${st.json.status}`).join(' ')}`);
      for (const st of stuck.slice(0, 3)) {
        for (const [n, inst] of pick().entries()) {
          const seen = (await call(inst.url, 'GET', `/api/pipeline/jobs/${st.json.job_id}`)).json.status;
          const lines = inst.stdout.filter((l) => l.includes(st.json.job_id)).slice(-8);
          console.log(`[stuck-instance] ${n}: ${seen}\n${lines.join('\n')}`);
        }
        const logs = (await call(c.url, 'GET', `/api/pipeline/jobs/${st.json.job_id}/logs`)).json.events;
        console.log(
          `[stuck-log] ${st.json.job_id} ${JSON.stringify(logs.map((e: { event: string; engine?: string }) => [e.event, e.engine]))}`,
        );
      }
      throw err;
    });
    const statuses = finals.reduce<Record<string, number>>(
      (m, s) => ({ ...m, [s.status]: (m[s.status] ?? 0) + 1 }),
      {},
    );
    console.log(`[figures] 200 jobs over 2 instances × 3 backends: ${JSON.stringify(statuses)}`);
    expect(statuses).toEqual({ completed: 200 });
    // Each job's prompt ran once, on one backend, in all.
    const executed = cluster.sims.flatMap((s) => s.executor.executedPromptIds);
    const wrong: string[] = [];
    const promptOfJob = new Map<string, string>();
    for (const id of ids) {
      const logs: { event: string; prompt_id?: string }[] = (
        await call(pick()[0]!.url, 'GET', `/api/pipeline/jobs/${id}/logs`)
      ).json.events;
      const prompts = [...new Set(logs.map((e) => e.prompt_id).filter((p): p is string => typeof p === 'string'))];
      const runs = prompts.reduce((n, p) => n + executed.filter((x) => x === p).length, 0);
      const ends = logs.filter((e) => ['completed', 'failed', 'cancelled'].includes(e.event)).length;
      if (runs !== 1 || ends !== 1)
        wrong.push(
          `${id}: ${runs} runs of ${prompts.join(',')}, ${ends} ends; ${JSON.stringify(logs.map((e) => e.event))}`,
        );
      if (prompts[0]) promptOfJob.set(id, prompts[prompts.length - 1]!);
    }
    expect(wrong, wrong.join('\n')).toEqual([]);
    // Listing agrees from both instances; every artifact is what the simulator served.
    const [x, y] = pick();
    const list = async (c: ChildService) => {
      const all: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { json: { jobs: { job_id: string }[]; next_cursor: string | null } } = await call(
          c.url,
          'GET',
          `/api/pipeline/jobs?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        all.push(...page.json.jobs.map((j) => j.job_id));
        cursor = page.json.next_cursor;
      } while (cursor);
      return all;
    };
    const listed = await list(x!);
    expect(listed).toEqual(await list(y!));
    for (const id of ids) expect(listed).toContain(id);
    for (const id of ids.slice(0, 200)) {
      const { json } = await call(y!.url, 'GET', `/api/pipeline/jobs/${id}/artifacts`);
      for (const art of json.artifacts) {
        const served = Buffer.from(
          await (await fetch(`${x!.url}/api/pipeline/jobs/${id}/artifacts/${art.filename}`)).arrayBuffer(),
        );
        const sim = cluster.sims.find((s) => s.executor.executedPromptIds.includes(promptOfJob.get(id) ?? ''))!;
        const original = Buffer.from(
          await (
            await fetch(
              `${sim.url}/view?filename=${encodeURIComponent(art.comfy_filename)}&subfolder=${encodeURIComponent(art.comfy_subfolder ?? '')}&type=output`,
            )
          ).arrayBuffer(),
        );
        expect(sha(served)).toBe(art.sha256);
        expect(sha(original)).toBe(art.sha256);
      }
    }
    for (const c of pick()) await cluster.kill(c);
  }, 600_000);
});
