// Every sample, by metric name, to a function of the program that embeds the runner (the live page of
// `paspor-lab run --dashboard`), so that program aggregates what it shows without the runner's types.
import type { Metric, SampleListener, Tags } from '../metrics/registry.ts';

/** Called once per sample on the runner's hot path: keep it to a few comparisons and additions. */
export type SampleTap = (metric: string, value: number, tags: Readonly<Tags>) => void;

export class SampleTapOutput implements SampleListener {
  private readonly tap: SampleTap;

  constructor(tap: SampleTap) {
    this.tap = tap;
  }

  onSample(metric: Metric, value: number, tags: Tags): void {
    this.tap(metric.name, value, tags);
  }
}
