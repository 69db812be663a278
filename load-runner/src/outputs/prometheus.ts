// A live Prometheus endpoint during the run, named as k6's Prometheus remote-write output names series
// (k6_<counter>_total, k6_<gauge>, k6_<rate>_rate, k6_<trend>_p99 ... with time trends in seconds), with
// a `testid` label, so one Grafana dashboard serves k6 and the runner. Tags become labels, except the
// raw `url` (unbounded); values are cumulative since the start of the test, as k6's sinks are.
// The exposition text is written here rather than through prom-client because the label sets are the
// samples' tags, which are only known as they arrive (prom-client needs label names up front).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metric, SampleListener, Tags } from '../metrics/registry.ts';
import { CounterSink, createSink, GaugeSink, RateSink, type Sink, type TrendSink } from '../metrics/sinks.ts';

const LIVE_KEY = Symbol('liveLabelKey');
type KeyedTags = Tags & { [LIVE_KEY]?: string };
const EXCLUDED = new Set(['url', 'vu', 'iter']);
const TREND_STATS: Array<[string, number | 'avg' | 'min' | 'max']> = [
  ['p99', 99],
  ['p95', 95],
  ['p90', 90],
  ['med', 50],
  ['avg', 'avg'],
  ['min', 'min'],
  ['max', 'max'],
];

interface Series {
  labels: string; // rendered label set, e.g. {testid="x",scenario="a"}
  sink: Sink;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labelName(tag: string): string {
  const cleaned = tag.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned;
}

export class LiveMetrics implements SampleListener {
  private readonly series = new Map<Metric, Map<string, Series>>();
  private readonly testId: string;
  private server: Server | null = null;

  constructor(testId: string) {
    this.testId = testId;
  }

  private labelsOf(tags: KeyedTags): string {
    const cached = tags[LIVE_KEY];
    if (cached !== undefined) return cached;
    const parts = [`testid="${escapeLabel(this.testId)}"`];
    for (const key of Object.keys(tags).sort()) {
      if (EXCLUDED.has(key) || key === 'testid') continue;
      parts.push(`${labelName(key)}="${escapeLabel(String(tags[key]))}"`);
    }
    const rendered = `{${parts.join(',')}}`;
    tags[LIVE_KEY] = rendered; // a symbol key: invisible to JSON and Object.keys
    return rendered;
  }

  onSample(metric: Metric, value: number, tags: Tags): void {
    const labels = this.labelsOf(tags as KeyedTags);
    let byLabels = this.series.get(metric);
    if (!byLabels) {
      byLabels = new Map();
      this.series.set(metric, byLabels);
    }
    let s = byLabels.get(labels);
    if (!s) {
      s = { labels, sink: createSink(metric.type) };
      byLabels.set(labels, s);
    }
    s.sink.add(value);
  }

  render(): string {
    const out: string[] = [];
    for (const [metric, byLabels] of this.series) {
      const base = `k6_${metric.name}`;
      const scale = metric.contains === 'time' ? 1 / 1000 : 1;
      if (metric.type === 'trend') {
        for (const [suffix, stat] of TREND_STATS) {
          out.push(`# TYPE ${base}_${suffix} gauge`);
          for (const s of byLabels.values()) {
            const sink = s.sink as TrendSink;
            const v = typeof stat === 'number' ? sink.percentile(stat) : sink.stat(stat);
            out.push(`${base}_${suffix}${s.labels} ${v * scale}`);
          }
        }
        continue;
      }
      const name =
        metric.type === 'counter' ? `${base}_total` : metric.type === 'rate' ? `${base}_rate` : base;
      out.push(`# TYPE ${name} ${metric.type === 'counter' ? 'counter' : 'gauge'}`);
      for (const s of byLabels.values()) {
        const sink = s.sink;
        const v =
          sink instanceof CounterSink
            ? sink.count
            : sink instanceof RateSink
              ? sink.rate
              : sink instanceof GaugeSink
                ? sink.value * scale
                : 0;
        out.push(`${name}${s.labels} ${v}`);
      }
    }
    return `${out.join('\n')}\n`;
  }

  /** Serves /metrics on 127.0.0.1:`port` (0 = an ephemeral port); resolves to the URL. */
  listen(port: number): Promise<string> {
    this.server = createServer((req, res) => {
      if (req.url?.split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(this.render());
    });
    const server = this.server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.address() as AddressInfo;
        resolve(`http://127.0.0.1:${address.port}/metrics`);
      });
    });
  }

  close(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  }
}
