import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * The standard process and Node.js series every Prometheus setup knows (prom-client's defaults):
 * process_cpu_seconds_total, process_resident_memory_bytes, process_open_fds, process_start_time_seconds,
 * nodejs_eventloop_lag_*, nodejs_gc_duration_seconds (a cumulative histogram), nodejs_heap_*,
 * nodejs_version_info. One registry per service, so several services in one process (tests) do not
 * collide.
 */
export class ProcessMetrics {
  private readonly registry = new Registry();

  constructor() {
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  close(): void {
    this.registry.clear();
  }
}
