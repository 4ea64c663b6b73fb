/**
 * Expected run time per (preset, quality level): the median of the most recent durations in whole
 * seconds (rounded up). Null
 * until the first job of that pair has finished.
 */
export class DurationEstimates {
  private readonly samples = new Map<string, number[]>();
  /** Medians are read on every status request and change only when a job finishes. */
  private readonly cached = new Map<string, number | null>();
  private readonly versions = new Map<string, number>();

  /** Changes whenever the estimate of (preset, level) may have changed. */
  version(presetId: string, level: string): number {
    return this.versions.get(`${presetId}|${level}`) ?? 0;
  }

  constructor(private readonly keep = 20) {}

  record(presetId: string, level: string, seconds: number): void {
    const key = `${presetId}|${level}`;
    const list = this.samples.get(key) ?? [];
    list.push(seconds);
    if (list.length > this.keep) list.shift();
    this.samples.set(key, list);
    this.cached.delete(key);
    this.versions.set(key, (this.versions.get(key) ?? 0) + 1);
  }

  estimate(presetId: string, level: string): number | null {
    const key = `${presetId}|${level}`;
    const hit = this.cached.get(key);
    if (hit !== undefined) return hit;
    const value = this.compute(key);
    this.cached.set(key, value);
    return value;
  }

  private compute(key: string): number | null {
    const list = this.samples.get(key);
    if (!list || list.length === 0) return null;
    const sorted = [...list].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    // Whole seconds, rounded up: the original contract types it as an integer.
    return Math.max(1, Math.ceil(median));
  }
}
