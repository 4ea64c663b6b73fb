/**
 * Expected run time per (preset, quality level): the median of the most recent durations. Null
 * until the first job of that pair has finished.
 */
export class DurationEstimates {
  private readonly samples = new Map<string, number[]>();

  constructor(private readonly keep = 20) {}

  record(presetId: string, level: string, seconds: number): void {
    const key = `${presetId}|${level}`;
    const list = this.samples.get(key) ?? [];
    list.push(seconds);
    if (list.length > this.keep) list.shift();
    this.samples.set(key, list);
  }

  estimate(presetId: string, level: string): number | null {
    const list = this.samples.get(`${presetId}|${level}`);
    if (!list || list.length === 0) return null;
    const sorted = [...list].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    return Math.round(median * 10) / 10;
  }
}
