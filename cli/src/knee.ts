// The knee of a breakpoint run: the offered arrival rate at the first second where an SLO broke in
// that second (a 5xx or timeout share over 0.5%, or p95 latency over 500 ms). Pure; reads the
// per-second series of timeseries.ndjson.

export interface Ramp {
  startRate: number;
  maxRate: number;
  rampS: number;
}

export interface Knee {
  ratePerSec: number;
  atSecond: number;
  reason: string;
}

interface Line {
  second?: unknown;
  metric?: unknown;
  scenario?: unknown;
  rate?: unknown;
  count?: unknown;
  p95?: unknown;
  'p(95)'?: unknown;
}

const num = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

export function findKnee(timeseries: string, ramp: Ramp, scenario = 'ramp'): Knee | null {
  const failed = new Map<number, number>();
  const p95 = new Map<number, number>();
  const requests = new Map<number, number>();
  for (const text of timeseries.split('\n')) {
    if (!text.trim()) continue;
    let line: Line;
    try {
      line = JSON.parse(text) as Line;
    } catch {
      continue;
    }
    const second = num(line.second);
    if (second === null || line.scenario !== scenario) continue;
    if (line.metric === 'http_req_failed') {
      const rate = num(line.rate);
      if (rate !== null) failed.set(second, rate);
    } else if (line.metric === 'http_req_duration') {
      const value = num(line.p95) ?? num(line['p(95)']);
      if (value !== null) p95.set(second, value);
    } else if (line.metric === 'http_reqs') {
      const count = num(line.count);
      if (count !== null) requests.set(second, count);
    }
  }
  const seconds = [...new Set([...failed.keys(), ...p95.keys()])].sort((a, b) => a - b);
  const first = seconds[0] ?? 0;
  for (const second of seconds) {
    // One second with a handful of requests is noise, not a knee.
    if ((requests.get(second) ?? Number.POSITIVE_INFINITY) < 20) continue;
    const reasons: string[] = [];
    const rate = failed.get(second);
    if (rate !== undefined && rate > 0.005) reasons.push(`${(rate * 100).toFixed(1)}% of requests failed`);
    const latency = p95.get(second);
    if (latency !== undefined && latency > 500) reasons.push(`p95 ${Math.round(latency)} ms`);
    if (reasons.length > 0) {
      const elapsed = Math.min(second - first, ramp.rampS);
      const offered = ramp.startRate + ((ramp.maxRate - ramp.startRate) * elapsed) / ramp.rampS;
      return { ratePerSec: Math.round(offered), atSecond: second - first, reason: reasons.join(', ') };
    }
  }
  return null;
}
