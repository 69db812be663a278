// The run folder's timeseries.ndjson: every second, one line per metric for all scenarios together
// (`scenario: null`) and one per scenario, with counts, rates and latency percentiles of that second.
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Metric, SampleListener, Tags } from '../metrics/registry.ts';
import { CounterSink, createSink, GaugeSink, RateSink, type Sink, TrendSink } from '../metrics/sinks.ts';

export interface SeriesLine {
  time: string;
  second: number;
  metric: string;
  type: string;
  scenario: string | null;
  [field: string]: unknown;
}

const ALL = '\u0000all';

export class TimeseriesOutput implements SampleListener {
  private readonly stream: WriteStream;
  private readonly windows = new Map<Metric, Map<string, Sink>>();
  private second = 0;

  constructor(path: string) {
    this.stream = createWriteStream(path);
  }

  private sinkFor(metric: Metric, key: string): Sink {
    let byScenario = this.windows.get(metric);
    if (!byScenario) {
      byScenario = new Map();
      this.windows.set(metric, byScenario);
    }
    let sink = byScenario.get(key);
    if (!sink) {
      sink = createSink(metric.type);
      byScenario.set(key, sink);
    }
    return sink;
  }

  onSample(metric: Metric, value: number, tags: Tags): void {
    this.sinkFor(metric, ALL).add(value);
    const scenario = tags.scenario;
    if (scenario !== undefined) this.sinkFor(metric, scenario).add(value);
  }

  /** Writes the second that just ended and starts the next one. */
  flush(): void {
    const time = new Date().toISOString();
    const second = this.second++;
    const lines: string[] = [];
    for (const [metric, byScenario] of this.windows) {
      for (const [key, sink] of byScenario) {
        if (sink.empty) continue;
        const line: SeriesLine = {
          time,
          second,
          metric: metric.name,
          type: metric.type,
          scenario: key === ALL ? null : key,
        };
        if (sink instanceof CounterSink) {
          line.count = sink.count;
          line.rate = sink.count;
        } else if (sink instanceof RateSink) {
          line.rate = sink.rate;
          line.passes = sink.passes;
          line.fails = sink.fails;
        } else if (sink instanceof GaugeSink) {
          line.value = sink.value;
          line.min = sink.min;
          line.max = sink.max;
        } else if (sink instanceof TrendSink) {
          line.count = sink.count;
          line.avg = sink.avg;
          line.min = sink.min;
          line.max = sink.max;
          line.p50 = sink.percentile(50);
          line.p90 = sink.percentile(90);
          line.p95 = sink.percentile(95);
          line.p99 = sink.percentile(99);
        }
        lines.push(JSON.stringify(line));
        sink.reset();
      }
    }
    if (lines.length > 0) this.stream.write(`${lines.join('\n')}\n`);
  }

  close(): Promise<void> {
    this.flush();
    return new Promise((resolve) => this.stream.end(resolve));
  }
}
