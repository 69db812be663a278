// timeseries.ndjson (one line per second per metric, per scenario) turned into the series the charts
// draw. The runner and the k6 `--out json` folding both write it; fields beyond these are ignored.

export interface TimePoint {
  second: number;
  metric: string;
  /** null for a line that aggregates every scenario. */
  scenario: string | null;
  count: number | null;
  rate: number | null;
  value: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** Wall-clock time of the line (epoch ms), when it had one: it places fault windows on the x axis. */
  ms?: number | null;
}

export interface XY {
  x: number;
  y: number;
}

type Json = Record<string, unknown>;

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function pick(json: Json, ...keys: string[]): number | null {
  for (const key of keys) {
    const n = num(json[key]);
    if (n !== null) return n;
  }
  return null;
}

function sumOf(a: number | null, b: number | null): number | null {
  return a === null && b === null ? null : (a ?? 0) + (b ?? 0);
}

export function parseTimeseries(text: string): TimePoint[] {
  const raw: Array<{ json: Json; ms: number | null }> = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const json: unknown = JSON.parse(line);
      if (typeof json !== 'object' || json === null || Array.isArray(json)) continue;
      const j = json as Json;
      const t = j.t ?? j.time ?? j.ts;
      const ms = typeof t === 'string' ? Date.parse(t) : num(t);
      raw.push({ json: j, ms: ms !== null && Number.isFinite(ms) ? ms : null });
    } catch {
      // A run stopped by a signal can leave a torn last line; the rest is still good.
    }
  }
  const times = raw.map((r) => r.ms).filter((ms): ms is number => ms !== null);
  const firstMs = times.length > 0 ? Math.min(...times) : 0;
  const points: TimePoint[] = [];
  for (const { json, ms } of raw) {
    const metric = typeof json.metric === 'string' ? json.metric : null;
    // Without "second", derive it from the timestamp so k6-folded series still line up.
    const second = num(json.second) ?? (ms !== null ? Math.floor((ms - firstMs) / 1000) : null);
    if (metric === null || second === null) continue;
    const scenario = typeof json.scenario === 'string' && json.scenario !== '' ? json.scenario : null;
    points.push({
      second,
      metric,
      scenario,
      // Rate lines carry passes and fails rather than a count; their sum weighs the rate.
      count: pick(json, 'count', 'n') ?? sumOf(pick(json, 'passes'), pick(json, 'fails')),
      rate: pick(json, 'rate'),
      value: pick(json, 'value', 'avg'),
      p50: pick(json, 'p50', 'med', 'p(50)'),
      p95: pick(json, 'p95', 'p(95)'),
      p99: pick(json, 'p99', 'p(99)'),
      ms,
    });
  }
  return points;
}

/** Lines of one metric grouped by second; aggregate lines win over per-scenario ones when both exist. */
function bySecond(points: TimePoint[], metric: string): Map<number, TimePoint[]> {
  const lines = points.filter((p) => p.metric === metric);
  const aggregate = lines.filter((p) => p.scenario === null);
  const chosen = aggregate.length > 0 ? aggregate : lines;
  const map = new Map<number, TimePoint[]>();
  for (const p of chosen) {
    const list = map.get(p.second);
    if (list) list.push(p);
    else map.set(p.second, [p]);
  }
  return new Map([...map.entries()].sort((a, b) => a[0] - b[0]));
}

/**
 * Count-weighted mean of a per-scenario field. For percentiles this is an approximation (percentiles do
 * not add up); it is only used when the series has no all-scenario line, and only for drawing.
 */
function weighted(lines: TimePoint[], field: 'p50' | 'p95' | 'p99' | 'rate'): number | null {
  let sum = 0;
  let weight = 0;
  for (const line of lines) {
    const v = line[field];
    if (v === null) continue;
    const w = line.count ?? 1;
    sum += v * w;
    weight += w;
  }
  return weight > 0 ? sum / weight : null;
}

export interface LatencySeries {
  p50: XY[];
  p95: XY[];
  p99: XY[];
}

export function latencySeries(points: TimePoint[], metric = 'http_req_duration'): LatencySeries {
  const out: LatencySeries = { p50: [], p95: [], p99: [] };
  for (const [second, lines] of bySecond(points, metric)) {
    for (const field of ['p50', 'p95', 'p99'] as const) {
      const y = weighted(lines, field);
      if (y !== null) out[field].push({ x: second, y });
    }
  }
  return out;
}

/** Requests per second: the per-second count of http_reqs (its rate when a line has no count). */
export function requestRateSeries(points: TimePoint[], metric = 'http_reqs'): XY[] {
  const out: XY[] = [];
  for (const [second, lines] of bySecond(points, metric)) {
    let y = 0;
    let seen = false;
    for (const line of lines) {
      const v = line.count ?? line.rate;
      if (v !== null) {
        y += v;
        seen = true;
      }
    }
    if (seen) out.push({ x: second, y });
  }
  return out;
}

/** Share of failed requests per second (0..1), from the http_req_failed rate metric. */
export function errorRateSeries(points: TimePoint[], metric = 'http_req_failed'): XY[] {
  const out: XY[] = [];
  for (const [second, lines] of bySecond(points, metric)) {
    const y = weighted(lines, 'rate') ?? weightedValue(lines);
    if (y !== null) out.push({ x: second, y });
  }
  return out;
}

function weightedValue(lines: TimePoint[]): number | null {
  const values = lines.map((l) => l.value).filter((v): v is number => v !== null);
  return values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

/** Per-second count of a counter metric of the scenario (request_timeouts, shed_responses...). */
export function counterSeries(points: TimePoint[], metric: string): XY[] {
  return requestRateSeries(points, metric);
}

/** The wait for the kode billing (payment_code_wait, milliseconds in the series), in seconds. */
export function paymentCodeWaitSeries(points: TimePoint[], metric = 'payment_code_wait'): LatencySeries {
  const ms = latencySeries(points, metric);
  const toS = (xy: XY[]) => xy.map((p) => ({ x: p.x, y: p.y / 1000 }));
  return { p50: toS(ms.p50), p95: toS(ms.p95), p99: toS(ms.p99) };
}

/** A sample of the service's own metrics: its second and its flattened values. */
export interface CounterSample {
  second: number | null;
  values: Record<string, number>;
  error: string | null;
}

/**
 * How much a cumulative counter of the service grew in each second (first difference of the samples).
 * A restarted service resets its counters; a drop is then read as a restart, not a negative count.
 */
export function perSecondIncrease(samples: CounterSample[], key: string): XY[] {
  const out: XY[] = [];
  let prev: number | null = null;
  samples.forEach((sample, index) => {
    if (sample.error !== null) return;
    const value = sample.values[key] ?? 0;
    if (prev !== null) out.push({ x: sample.second ?? index, y: value >= prev ? value - prev : value });
    prev = value;
  });
  return out;
}

/** Per-second increase of every counter `<prefix>.<label>`, summed over the labels `pick` accepts. */
export function labelledIncrease(
  samples: CounterSample[],
  prefix: string,
  pick: (label: string) => boolean,
): XY[] {
  const keys = new Set<string>();
  for (const s of samples) for (const k of Object.keys(s.values)) if (k.startsWith(`${prefix}.`)) keys.add(k);
  const chosen = [...keys].filter((k) => pick(k.slice(prefix.length + 1)));
  if (chosen.length === 0) return [];
  const sum = new Map<number, number>();
  for (const key of chosen)
    for (const p of perSecondIncrease(samples, key)) sum.set(p.x, (sum.get(p.x) ?? 0) + p.y);
  return [...sum.entries()].sort((a, b) => a[0] - b[0]).map(([x, y]) => ({ x, y }));
}

/** The labels a counter family was split by in server.ndjson (booking outcomes, status codes). */
export function counterLabels(samples: CounterSample[], prefix: string): string[] {
  const labels = new Set<string>();
  for (const s of samples) {
    for (const k of Object.keys(s.values))
      if (k.startsWith(`${prefix}.`)) labels.add(k.slice(prefix.length + 1));
  }
  return [...labels].sort();
}
