import type { Graph } from '../engine.js';
import { num, str, strList, type ComfyMessage } from './messages.js';

/**
 * Whole-graph progress from ComfyUI messages. Each node has a weight (a sampler weighs its steps,
 * a model upscaler a fixed share, other nodes 1); progress is the finished weight plus the running
 * node's fraction, over the total. It never goes backwards and stays below 1 until the end.
 */
export class ProgressTracker {
  private readonly weights = new Map<string, number>();
  private readonly total: number;
  private readonly finished = new Set<string>();
  private current: { node: string; fraction: number } | null = null;
  private last = 0;

  constructor(graph: Graph) {
    let total = 0;
    for (const [id, node] of Object.entries(graph)) {
      const steps = typeof node.inputs.steps === 'number' ? node.inputs.steps : 0;
      const weight = /KSampler|Sampler/.test(node.class_type)
        ? Math.max(1, steps)
        : /Upscale.*Model|FaceRestore|InstantID|IPAdapter/.test(node.class_type)
          ? 5
          : 1;
      this.weights.set(id, weight);
      total += weight;
    }
    this.total = Math.max(1, total);
  }

  /** Feed one message; returns the new progress when it changed. */
  update(message: ComfyMessage): number | null {
    const d = message.data;
    switch (message.type) {
      case 'execution_cached':
        for (const id of strList(d.nodes)) this.finished.add(id);
        break;
      case 'executing': {
        const node = str(d.node);
        if (this.current && this.current.node !== node) this.finished.add(this.current.node);
        this.current = node ? { node, fraction: 0 } : null;
        break;
      }
      case 'progress': {
        const node = str(d.node) ?? this.current?.node ?? null;
        const value = num(d.value),
          max = num(d.max);
        if (node && value !== null && max && max > 0) this.current = { node, fraction: Math.min(1, value / max) };
        break;
      }
      case 'executed': {
        const node = str(d.node);
        if (node) this.finished.add(node);
        break;
      }
      case 'progress_state': {
        const nodes = d.nodes && typeof d.nodes === 'object' ? (d.nodes as Record<string, { state?: unknown }>) : {};
        for (const [id, s] of Object.entries(nodes)) if (s?.state === 'finished') this.finished.add(id);
        break;
      }
      default:
        return null;
    }
    return this.compute();
  }

  private compute(): number | null {
    let done = 0;
    for (const id of this.finished) done += this.weights.get(id) ?? 0;
    if (this.current && !this.finished.has(this.current.node))
      done += (this.weights.get(this.current.node) ?? 0) * this.current.fraction;
    const value = Math.min(0.99, done / this.total);
    if (value <= this.last) return null;
    this.last = value;
    return value;
  }
}
