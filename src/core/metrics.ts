import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/**
 * The service's own series in Prometheus text exposition, hand-written (a handful of series); the
 * standard process and Node series come from prom-client (see process-metrics.ts).
 */
const BUCKETS = [1, 5, 10, 30, 60, 120, 300, 600, 1800];
/** Event-loop delay buckets, in seconds. */
const LOOP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** How often the event-loop monitor's samples are folded into the cumulative histogram. */
const FOLD_EVERY_MS = 10_000;

export class Metrics {
  private readonly failures = new Map<string, number>();
  private readonly finished = new Map<string, number>([
    ['completed', 0],
    ['failed', 0],
    ['cancelled', 0],
  ]);
  private readonly durations = new Map<string, { buckets: number[]; sum: number; count: number }>();
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  /** Cumulative since start: a scrape reads it, never resets it (any number of scrapers agree). */
  private readonly loop = { buckets: LOOP_BUCKETS.map(() => 0), sum: 0, count: 0, max: 0 };
  private readonly folder: NodeJS.Timeout;

  constructor() {
    this.loopDelay.enable();
    this.folder = setInterval(() => this.foldLoopDelay(), FOLD_EVERY_MS);
    this.folder.unref();
  }

  close(): void {
    clearInterval(this.folder);
    this.loopDelay.disable();
  }

  /** Move the monitor's samples into the cumulative histogram (by its percentile distribution). */
  private foldLoopDelay(): void {
    const h = this.loopDelay;
    const n = h.count;
    if (n === 0) return;
    LOOP_BUCKETS.forEach((bound, i) => {
      let share = 0;
      for (const [percentile, ns] of h.percentiles) if (ns / 1e9 <= bound) share = Math.max(share, percentile);
      this.loop.buckets[i]! += Math.round((n * share) / 100);
    });
    this.loop.sum += (h.mean * n) / 1e9;
    this.loop.count += n;
    this.loop.max = Math.max(this.loop.max, h.max / 1e9);
    h.reset();
  }

  jobFinished(presetId: string, status: string, seconds: number | null, errorCode: string | null): void {
    if (this.finished.has(status)) this.finished.set(status, this.finished.get(status)! + 1);
    // A cancellation is the client's choice, not a failure.
    if (errorCode && status === 'failed') this.failures.set(errorCode, (this.failures.get(errorCode) ?? 0) + 1);
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
      '# HELP ainfluencer_job_failures_total Failed jobs by error code since start (cancellations are not failures).',
      '# TYPE ainfluencer_job_failures_total counter',
    );
    for (const [code, n] of this.failures) lines.push(`ainfluencer_job_failures_total{error_code="${esc(code)}"} ${n}`);
    lines.push(
      '# HELP ainfluencer_jobs_finished_total Jobs that ended since start, by outcome.',
      '# TYPE ainfluencer_jobs_finished_total counter',
    );
    for (const [outcome, n] of this.finished) lines.push(`ainfluencer_jobs_finished_total{outcome="${outcome}"} ${n}`);
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
    // Event-loop delay since start, as a cumulative histogram.
    this.foldLoopDelay();
    lines.push(
      '# HELP ainfluencer_event_loop_delay_seconds Event-loop delay since start (sampled every 10 ms).',
      '# TYPE ainfluencer_event_loop_delay_seconds histogram',
    );
    LOOP_BUCKETS.forEach((bound, i) =>
      lines.push(`ainfluencer_event_loop_delay_seconds_bucket{le="${bound}"} ${this.loop.buckets[i]}`),
    );
    lines.push(`ainfluencer_event_loop_delay_seconds_bucket{le="+Inf"} ${this.loop.count}`);
    lines.push(`ainfluencer_event_loop_delay_seconds_sum ${this.loop.sum.toFixed(6)}`);
    lines.push(`ainfluencer_event_loop_delay_seconds_count ${this.loop.count}`);
    lines.push(
      '# HELP ainfluencer_event_loop_delay_max_seconds Longest event-loop delay since start.',
      '# TYPE ainfluencer_event_loop_delay_max_seconds gauge',
      `ainfluencer_event_loop_delay_max_seconds ${this.loop.max.toFixed(6)}`,
    );
    return `${lines.join('\n')}\n`;
  }
}
