import { PipelineError } from '../../errors/pipeline-error.js';
import type { EngineHealth } from '../engine.js';
import type { ComfyHttpClient } from './client.js';

/** Answers to /system_stats are small; a bigger one is not ComfyUI. */
const SYSTEM_STATS_MAX_BYTES = 1024 * 1024;

/**
 * One health probe: GET /system_stats on the probe pool with its own time limit, so it never waits
 * behind downloads. Never throws: an unreachable or foreign server is `unhealthy` with a code.
 */
export async function probeSystemStats(
  http: ComfyHttpClient,
  engine: { engineId: string; engineType: 'local' | 'remote'; timeoutMs: number; websocketOpen: () => boolean },
): Promise<EngineHealth> {
  const started = performance.now();
  const base = { engine_id: engine.engineId, engine_type: engine.engineType, checked_at: new Date().toISOString() };
  const { timeoutMs } = engine;
  try {
    const { data } = await http.json<{ system?: Record<string, unknown>; devices?: unknown }>('GET', '/system_stats', {
      timeoutMs,
      safe: false,
      pool: 'probe',
      maxBytes: SYSTEM_STATS_MAX_BYTES,
    });
    // Every ComfyUI era answers an object with a `system` object; anything else is not ComfyUI.
    if (!data || typeof data !== 'object' || !data.system || typeof data.system !== 'object') {
      throw new PipelineError(
        'ENGINE_PROTOCOL_ERROR',
        'The answer to /system_stats is not ComfyUI\'s (no "system" object); check that COMFYUI_URL points at ComfyUI',
      );
    }
    const system = data.system;
    const devices = Array.isArray(data.devices) ? (data.devices as unknown[]).slice(0, 64) : [];
    const text = (v: unknown) => (typeof v === 'string' ? v.slice(0, 200) : null);
    const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
    return {
      ...base,
      status: 'healthy',
      latency_ms: Math.round(performance.now() - started),
      error_code: null,
      message: null,
      detail: {
        url: http.baseUrl,
        comfyui_version: text(system.comfyui_version),
        python_version: text(system.python_version),
        pytorch_version: text(system.pytorch_version),
        devices: devices.map((d) => {
          const dev = (d && typeof d === 'object' ? d : {}) as Record<string, unknown>;
          return {
            name: text(dev.name),
            type: text(dev.type),
            vram_total: count(dev.vram_total),
            vram_free: count(dev.vram_free),
          };
        }),
        websocket_open: engine.websocketOpen(),
      },
    };
  } catch (err) {
    const e = err instanceof PipelineError ? err : http.classify(err, 'GET', '/system_stats');
    const code = e.code === 'JOB_CANCELLED' ? 'ENGINE_TIMEOUT' : e.code;
    return {
      ...base,
      status: 'unhealthy',
      latency_ms: Math.round(performance.now() - started),
      error_code: code,
      message: code === 'ENGINE_TIMEOUT' ? `ComfyUI did not answer /system_stats within ${timeoutMs} ms` : e.message,
      detail: { url: http.baseUrl },
    };
  }
}
