// server.ndjson (the target's own /metrics, sampled every second by the CLI) turned into what the report
// shows: how much each counter grew during the run, and the event-loop lag over time.
import type { ServerSample } from './run-folder.ts';
import type { XY } from './timeseries.ts';

/** Prometheus counters (`*_total`, split by label as `name.value`) are cumulative since the process started. */
const COUNTER = /_total(\.|$)/;

/** Increase of every counter between the first and the last good sample, keys sorted. */
export function counterIncreases(samples: ServerSample[]): Map<string, number> {
  const good = samples.filter((s) => s.error === null);
  const first = good[0];
  const last = good[good.length - 1];
  const out = new Map<string, number>();
  if (!first || !last) return out;
  for (const key of Object.keys(last.values).sort()) {
    if (!COUNTER.test(key)) continue;
    const end = last.values[key] ?? 0;
    // A counter that appeared mid-run (its first label value) started from zero.
    const start = first.values[key] ?? 0;
    // A restarted target resets its counters; the increase is then unknown rather than negative.
    if (end >= start) out.set(key, end - start);
  }
  return out;
}

/** One value of the samples over time, scaled (e.g. seconds to milliseconds). */
export function serverSeries(samples: ServerSample[], key: string, scale = 1): XY[] {
  const out: XY[] = [];
  samples.forEach((sample, index) => {
    const value = sample.values[key];
    if (value !== undefined) out.push({ x: sample.second ?? index, y: value * scale });
  });
  return out;
}

/** Samples the sampler could not take (the target did not answer /metrics): a gap is itself a finding. */
export function failedScrapes(samples: ServerSample[]): number {
  return samples.filter((s) => s.error !== null).length;
}

export const EVENT_LOOP_LAG_P99 = 'nodejs_eventloop_lag_p99_seconds';
