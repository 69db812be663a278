// Samples of the target's own /metrics during a run (server.ndjson): event-loop lag, memory, the
// database pool, quota, billing codes and booking outcomes, one line per second.

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text exposition format (comments skipped; NaN and ±Inf kept as numbers). */
export function parsePrometheusText(text: string): PromSample[] {
  const samples: PromSample[] = [];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const [, name = '', , labelText = '', valueText = ''] = match;
    const labels: Record<string, string> = {};
    for (const label of labelText.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[label[1] ?? ''] = (label[2] ?? '').replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    const value =
      valueText === '+Inf'
        ? Number.POSITIVE_INFINITY
        : valueText === '-Inf'
          ? Number.NEGATIVE_INFINITY
          : Number(valueText);
    samples.push({ name, labels, value });
  }
  return samples;
}

/** Families kept in server.ndjson; labels that split them (outcome, state...) become key suffixes. */
const KEPT = [
  /^nodejs_eventloop_lag_(p50|p90|p99|max|mean)_seconds$/,
  /^nodejs_heap_size_used_bytes$/,
  /^process_resident_memory_bytes$/,
  /^process_cpu_seconds_total$/,
  /pool/,
  /^mpaspor_/,
  /^http_server_request_duration_seconds_count$/,
];
const SPLIT_BY = ['outcome', 'reason', 'state', 'invariant', 'status_code', 'status'];

/**
 * Turns one scrape into a flat record: `name` or `name.<label value>` -> value, summed over other
 * labels (offices, routes), histogram buckets left out.
 */
export function summariseScrape(samples: PromSample[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const sample of samples) {
    if (sample.name.endsWith('_bucket') || !KEPT.some((re) => re.test(sample.name))) continue;
    if (!Number.isFinite(sample.value)) continue;
    const split = SPLIT_BY.map((label) => sample.labels[label]).filter((v): v is string => v !== undefined);
    const key = [sample.name, ...split].join('.');
    out[key] = (out[key] ?? 0) + sample.value;
  }
  return out;
}

export interface SamplerHandle {
  stop(): Promise<void>;
}

/**
 * Scrapes `metricsUrl` every `intervalMs` and hands each line to `write`. A failed scrape (the target is
 * saturated, which is what some scenarios do to it) is written as a line with `error`, not dropped:
 * a gap in the samples is itself a finding.
 */
export function startServerSampler(
  metricsUrl: string,
  write: (line: string) => void,
  intervalMs = 1000,
): SamplerHandle {
  const startedAt = Date.now();
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve();
  const scrape = async () => {
    const t = new Date();
    const second = Math.floor((t.getTime() - startedAt) / 1000);
    try {
      const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(Math.max(500, intervalMs - 100)) });
      const text = await res.text();
      if (!res.ok) throw new Error(`status ${res.status}`);
      write(JSON.stringify({ t: t.toISOString(), second, ...summariseScrape(parsePrometheusText(text)) }));
    } catch (error) {
      write(
        JSON.stringify({
          t: t.toISOString(),
          second,
          error: error instanceof Error ? error.message : String(error),
        }),
      );
    }
  };
  const timer = setInterval(() => {
    if (!stopped) inFlight = scrape();
  }, intervalMs);
  inFlight = scrape();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await inFlight;
    },
  };
}
