// `--out json=FILE`: k6's NDJSON stream, a "Metric" line when a metric first appears, then one "Point"
// line per sample with its time (microseconds) and tags.
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Metric, SampleListener, Tags } from '../metrics/registry.ts';

function isoMicros(epochMs: number): string {
  const whole = Math.floor(epochMs);
  const micros = Math.floor((epochMs - whole) * 1000);
  return `${new Date(whole).toISOString().slice(0, 23)}${String(micros).padStart(3, '0')}Z`;
}

export class JsonPointsOutput implements SampleListener {
  private readonly stream: WriteStream;
  private readonly seen = new Set<string>();
  private buffer: string[] = [];
  private readonly thresholdsOf: (metric: string) => string[];

  constructor(path: string, thresholdsOf: (metric: string) => string[]) {
    this.stream = createWriteStream(path);
    this.thresholdsOf = thresholdsOf;
  }

  onSample(metric: Metric, value: number, tags: Tags): void {
    if (!this.seen.has(metric.name)) {
      this.seen.add(metric.name);
      this.buffer.push(
        JSON.stringify({
          type: 'Metric',
          data: {
            name: metric.name,
            type: metric.type,
            contains: metric.contains,
            thresholds: this.thresholdsOf(metric.name),
            submetrics: null,
          },
          metric: metric.name,
        }),
      );
    }
    this.buffer.push(
      JSON.stringify({
        type: 'Point',
        data: { time: isoMicros(performance.timeOrigin + performance.now()), value, tags },
        metric: metric.name,
      }),
    );
    if (this.buffer.length >= 2000) this.flush();
  }

  flush(): void {
    if (this.buffer.length === 0) return;
    this.stream.write(`${this.buffer.join('\n')}\n`);
    this.buffer = [];
  }

  close(): Promise<void> {
    this.flush();
    return new Promise((resolve) => this.stream.end(resolve));
  }
}
