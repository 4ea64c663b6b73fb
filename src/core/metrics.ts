import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** Prometheus text exposition, hand-written: a handful of series does not need a client library. */
const BUCKETS = [1, 5, 10, 30, 60, 120, 300, 600, 1800];

export class Metrics {
  private readonly failures = new Map<string, number>();
  private readonly durations = new Map<string, { buckets: number[]; sum: number; count: number }>();
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });

  constructor() {
    this.loopDelay.enable();
  }

  close(): void {
    this.loopDelay.disable();
  }

  jobFinished(presetId: string, status: string, seconds: number | null, errorCode: string | null): void {
    if (errorCode && status !== 'completed') this.failures.set(errorCode, (this.failures.get(errorCode) ?? 0) + 1);
    if (status === 'completed' && seconds !== null) {
      const h = this.durations.get(presetId) ?? { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 };
      BUCKETS.forEach((b, i) => {
        if (seconds <= b) h.buckets[i]!++;
      });
      h.sum += seconds;
      h.count++;
      this.durations.set(presetId, h);
    }
  }

  render(gauges: {
    jobs: Map<string, number>;
    queueDepth: number;
    running: number;
    engines: {
      id: string;
      healthy: boolean;
      latencyMs: number | null;
      paused: boolean;
      running: number;
      slots: number;
      completed: number;
      failed: number;
      moved: number;
    }[];
    dependencies?: { name: string; healthy: boolean; latencyMs: number | null }[];
  }): string {
    const lines: string[] = [];
    const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
    lines.push('# HELP ainfluencer_jobs Stored jobs by status and preset.', '# TYPE ainfluencer_jobs gauge');
    for (const [key, n] of gauges.jobs) {
      const [status, preset] = key.split('|');
      lines.push(`ainfluencer_jobs{status="${esc(status!)}",preset_id="${esc(preset!)}"} ${n}`);
    }
    lines.push(
      '# HELP ainfluencer_queue_depth Jobs waiting for an engine.',
      '# TYPE ainfluencer_queue_depth gauge',
      `ainfluencer_queue_depth ${gauges.queueDepth}`,
    );
    lines.push(
      '# HELP ainfluencer_jobs_running Jobs executing in ComfyUI now (jobs storing their outputs are not counted).',
      '# TYPE ainfluencer_jobs_running gauge',
      `ainfluencer_jobs_running ${gauges.running}`,
    );
    lines.push(
      '# HELP ainfluencer_job_duration_seconds Run time of completed jobs.',
      '# TYPE ainfluencer_job_duration_seconds histogram',
    );
    for (const [preset, h] of this.durations) {
      BUCKETS.forEach((b, i) =>
        lines.push(`ainfluencer_job_duration_seconds_bucket{preset_id="${esc(preset)}",le="${b}"} ${h.buckets[i]}`),
      );
      lines.push(`ainfluencer_job_duration_seconds_bucket{preset_id="${esc(preset)}",le="+Inf"} ${h.count}`);
      lines.push(`ainfluencer_job_duration_seconds_sum{preset_id="${esc(preset)}"} ${h.sum}`);
      lines.push(`ainfluencer_job_duration_seconds_count{preset_id="${esc(preset)}"} ${h.count}`);
    }
    lines.push(
      '# HELP ainfluencer_job_failures_total Failed or cancelled jobs by error code since start.',
      '# TYPE ainfluencer_job_failures_total counter',
    );
    for (const [code, n] of this.failures) lines.push(`ainfluencer_job_failures_total{error_code="${esc(code)}"} ${n}`);
    lines.push('# HELP ainfluencer_engine_up Engine health (1 healthy, 0 not).', '# TYPE ainfluencer_engine_up gauge');
    for (const e of gauges.engines) lines.push(`ainfluencer_engine_up{engine_id="${esc(e.id)}"} ${e.healthy ? 1 : 0}`);
    lines.push(
      '# HELP ainfluencer_engine_latency_ms Latency of the last engine health probe.',
      '# TYPE ainfluencer_engine_latency_ms gauge',
    );
    for (const e of gauges.engines)
      if (e.latencyMs !== null) lines.push(`ainfluencer_engine_latency_ms{engine_id="${esc(e.id)}"} ${e.latencyMs}`);
    // Per backend: its worker's latch, load and what it has done since start.
    lines.push(
      "# HELP ainfluencer_backend_paused The backend's worker is paused (unreachable or faulted; 1) or taking jobs (0).",
      '# TYPE ainfluencer_backend_paused gauge',
    );
    for (const e of gauges.engines)
      lines.push(`ainfluencer_backend_paused{engine_id="${esc(e.id)}"} ${e.paused ? 1 : 0}`);
    lines.push(
      '# HELP ainfluencer_backend_jobs_running Jobs handed to the backend now.',
      '# TYPE ainfluencer_backend_jobs_running gauge',
    );
    for (const e of gauges.engines)
      lines.push(`ainfluencer_backend_jobs_running{engine_id="${esc(e.id)}"} ${e.running}`);
    lines.push(
      '# HELP ainfluencer_backend_slots Jobs the backend takes at once (concurrency + prefetch).',
      '# TYPE ainfluencer_backend_slots gauge',
    );
    for (const e of gauges.engines) lines.push(`ainfluencer_backend_slots{engine_id="${esc(e.id)}"} ${e.slots}`);
    lines.push(
      '# HELP ainfluencer_backend_jobs_total Jobs the backend completed, failed, or gave up to another backend since start.',
      '# TYPE ainfluencer_backend_jobs_total counter',
    );
    for (const e of gauges.engines) {
      for (const [outcome, n] of [
        ['completed', e.completed],
        ['failed', e.failed],
        ['moved', e.moved],
      ] as const)
        lines.push(`ainfluencer_backend_jobs_total{engine_id="${esc(e.id)}",outcome="${outcome}"} ${n}`);
    }
    if (gauges.dependencies?.length) {
      lines.push(
        '# HELP ainfluencer_dependency_up Shared service health (1 healthy, 0 not): redis when REDIS_URL is set.',
        '# TYPE ainfluencer_dependency_up gauge',
      );
      for (const d of gauges.dependencies)
        lines.push(`ainfluencer_dependency_up{name="${esc(d.name)}"} ${d.healthy ? 1 : 0}`);
      lines.push(
        '# HELP ainfluencer_dependency_latency_ms Latency of the last probe of a shared service.',
        '# TYPE ainfluencer_dependency_latency_ms gauge',
      );
      for (const d of gauges.dependencies)
        if (d.latencyMs !== null) lines.push(`ainfluencer_dependency_latency_ms{name="${esc(d.name)}"} ${d.latencyMs}`);
    }
    // Event-loop delay since the previous scrape (the histogram is reset on every read).
    lines.push(
      '# HELP ainfluencer_event_loop_delay_seconds Event-loop delay since the previous scrape.',
      '# TYPE ainfluencer_event_loop_delay_seconds summary',
    );
    for (const q of [0.5, 0.99])
      lines.push(
        `ainfluencer_event_loop_delay_seconds{quantile="${q}"} ${(this.loopDelay.percentile(q * 100) / 1e9).toFixed(6)}`,
      );
    lines.push(`ainfluencer_event_loop_delay_seconds_max ${(this.loopDelay.max / 1e9).toFixed(6)}`);
    this.loopDelay.reset();
    return `${lines.join('\n')}\n`;
  }
}
