// Folds the points of real k6's `--out json` into the run folder's per-second series
// (timeseries.ndjson), the same shape the embedded runner writes: one line per second per metric,
// per scenario and once across all scenarios.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import * as hdr from 'hdr-histogram-js';

type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';

export interface SeriesLine {
  time: string;
  second: number;
  metric: string;
  type: MetricType;
  /** null on the line that covers every scenario. */
  scenario: string | null;
  count?: number;
  passes?: number;
  fails?: number;
  rate?: number;
  value?: number;
  avg?: number;
  max?: number;
  p50?: number;
  p95?: number;
  p99?: number;
}

interface Bucket {
  count: number;
  sum: number;
  max: number;
  last: number;
  nonZero: number;
  values: number[];
}

/** Accumulates k6 JSON lines; `lines()` gives the folded series. */
export class K6PointFolder {
  readonly #types = new Map<string, MetricType>();
  readonly #buckets = new Map<string, Bucket>();
  #firstSecondMs: number | null = null;

  /** Takes one line of k6's JSON output (Metric declarations and Points); other lines are ignored. */
  add(line: string): void {
    if (!line.trim()) return;
    let entry: {
      type?: string;
      metric?: string;
      data?: { type?: string; time?: string; value?: number; tags?: Record<string, string> };
    };
    try {
      entry = JSON.parse(line);
    } catch {
      return; // a torn last line of an interrupted run
    }
    const metric = entry.metric;
    if (!metric || !entry.data) return;
    if (entry.type === 'Metric') {
      const type = entry.data.type;
      if (type === 'counter' || type === 'gauge' || type === 'rate' || type === 'trend')
        this.#types.set(metric, type);
      return;
    }
    if (entry.type !== 'Point' || typeof entry.data.value !== 'number' || !entry.data.time) return;
    const ms = Date.parse(entry.data.time);
    if (!Number.isFinite(ms)) return;
    const secondMs = Math.floor(ms / 1000) * 1000;
    if (this.#firstSecondMs === null || secondMs < this.#firstSecondMs) this.#firstSecondMs = secondMs;
    const scenario = entry.data.tags?.scenario;
    this.#bucket(secondMs, metric, '').push(entry.data.value);
    if (scenario) this.#bucket(secondMs, metric, scenario).push(entry.data.value);
  }

  #bucket(secondMs: number, metric: string, scenario: string): { push(value: number): void } {
    const key = `${secondMs}\u0000${metric}\u0000${scenario}`;
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = { count: 0, sum: 0, max: Number.NEGATIVE_INFINITY, last: 0, nonZero: 0, values: [] };
      this.#buckets.set(key, bucket);
    }
    const b = bucket;
    return {
      push: (value: number) => {
        b.count += 1;
        b.sum += value;
        b.max = Math.max(b.max, value);
        b.last = value;
        if (value !== 0) b.nonZero += 1;
        if (this.#types.get(metric) === 'trend' || !this.#types.has(metric)) b.values.push(value);
      },
    };
  }

  lines(): SeriesLine[] {
    const out: SeriesLine[] = [];
    const first = this.#firstSecondMs ?? 0;
    const keys = [...this.#buckets.keys()].sort();
    for (const key of keys) {
      const [secondText = '0', metric = '', scenario = ''] = key.split('\u0000');
      const bucket = this.#buckets.get(key);
      if (!bucket) continue;
      const secondMs = Number(secondText);
      const type = this.#types.get(metric) ?? 'trend';
      const line: SeriesLine = {
        time: new Date(secondMs).toISOString(),
        second: Math.round((secondMs - first) / 1000),
        metric,
        type,
        scenario: scenario || null,
      };
      if (type === 'counter') {
        line.count = bucket.sum;
        line.rate = bucket.sum; // per second: the bucket is one second wide
      } else if (type === 'rate') {
        line.rate = bucket.nonZero / bucket.count;
        line.passes = bucket.nonZero;
        line.fails = bucket.count - bucket.nonZero;
      } else if (type === 'gauge') {
        line.value = bucket.last;
      } else {
        line.count = bucket.count;
        Object.assign(line, trendStats(bucket.values));
        line.avg = bucket.sum / bucket.count;
        line.max = bucket.max;
      }
      out.push(line);
    }
    return out.sort((a, b) => a.second - b.second || a.metric.localeCompare(b.metric));
  }
}

/** Percentiles through an HDR histogram (docs/K6-COMPAT.md: within 0.1%), values in thousandths. */
function trendStats(values: number[]): { p50: number; p95: number; p99: number } {
  const histogram = hdr.build({ numberOfSignificantValueDigits: 3 });
  for (const value of values) histogram.recordValue(Math.max(0, Math.round(value * 1000)));
  const stats = {
    p50: histogram.getValueAtPercentile(50) / 1000,
    p95: histogram.getValueAtPercentile(95) / 1000,
    p99: histogram.getValueAtPercentile(99) / 1000,
  };
  histogram.destroy();
  return stats;
}

/** Reads a k6 JSON output file (streamed: a long run's file is large) into series lines. */
export async function foldK6JsonFile(path: string): Promise<SeriesLine[]> {
  const folder = new K6PointFolder();
  const lines = createInterface({
    input: createReadStream(path, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const line of lines) folder.add(line);
  return folder.lines();
}
