import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Lifecycle } from '../lifecycle/lifecycle.js';
import type { DependencyHealth } from '../distributed/dependency-probes.js';
import { ProcessMetrics } from '../core/process-metrics.js';
import { renderWebhookMetrics } from '../webhooks/webhook-metrics.js';

export const metricsRoutes =
  (deps: { core: Lifecycle; dependencies?: () => Promise<DependencyHealth[]> }): FastifyPluginAsyncZod =>
  async (app) => {
    const processMetrics = new ProcessMetrics();
    app.addHook('onClose', async () => processMetrics.close());
    app.get(
      '/metrics',
      {
        schema: {
          tags: ['service'],
          summary: 'Prometheus metrics',
          response: { 200: z.string().describe('Prometheus text format 0.0.4') },
        },
      },
      async (_request, reply) => {
        const { core } = deps;
        const jobs = new Map<string, number>();
        for (const s of core.index?.all() ?? []) {
          const key = `${s.status}|${s.preset_id}`;
          jobs.set(key, (jobs.get(key) ?? 0) + 1);
        }
        const [backends, dependencies] = await Promise.all([core.workers.health(), deps.dependencies?.() ?? []]);
        const text = core.metrics.render({
          jobs,
          queueDepth: await core.queueDepth(),
          running: core.workers.running(),
          engines: backends.map((h) => ({
            id: h.engine_id,
            healthy: h.status === 'healthy',
            latencyMs: h.latency_ms,
            paused: h.worker.state === 'paused',
            running: h.worker.running_jobs.length,
            slots: h.worker.slots,
            completed: h.worker.jobs_completed,
            failed: h.worker.jobs_failed,
            moved: h.worker.jobs_moved,
          })),
          dependencies: dependencies.map((d) => ({
            name: d.name,
            healthy: d.status === 'healthy',
            latencyMs: d.latency_ms,
          })),
        });
        const pending = await core.deps.repository.webhooks.pendingCount().catch(() => 0);
        const webhooks = renderWebhookMetrics(core.webhooks, pending);
        return reply
          .type('text/plain; version=0.0.4; charset=utf-8')
          .send(`${text}${webhooks}${await processMetrics.render()}`);
      },
    );
  };
