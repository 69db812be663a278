// The runner's own health, so that its queueing is never reported as the target's latency: the event
// loop's lag (how late a 50 ms timer fires) and, for arrival-rate executors, how late each iteration
// starts behind its schedule. Past a bound the run is marked in the summary (`state.runnerHealth`),
// one warning is printed, and requests of late iterations also report their latency from the
// scheduled start (http_req_duration_corrected: coordinated omission corrected).
import type { Metric, MetricRegistry, Tags } from './metrics/registry.ts';
import type { TrendSink } from './metrics/sinks.ts';
import type { IterationContext } from './runtime.ts';

/**
 * The bounds past which latency figures are not to be trusted. Measured on 2 Dec (health.timing.test.ts,
 * load average 18 on 2 cores): a rate the runner keeps showed event-loop lag p99 59 ms and start lag
 * p95 27 ms; a saturated runner 7.7 s and 11 s. The bounds sit well above the first (a quiet machine
 * shows 1-5 ms) and far below the second.
 */
export const HEALTH_BOUNDS = { eventLoopLagP99Ms: 200, iterationStartLagP95Ms: 100 } as const;

/** `state.runnerHealth` in the summary (documented in load-runner/README.md). */
export interface RunnerHealthState {
  /** True when a bound was crossed: the run's latency figures include the runner's own queueing. */
  saturated: boolean;
  /** What crossed which bound, or null. */
  reason: string | null;
  eventLoopLagP99Ms: number;
  /** null when no arrival-rate scenario ran. */
  iterationStartLagP95Ms: number | null;
  bounds: typeof HEALTH_BOUNDS;
}

export class RunnerHealth {
  private readonly registry: MetricRegistry;
  private readonly loopLag: Metric;
  private readonly startLag: Metric;
  readonly corrected: Metric;
  private timer: NodeJS.Timeout | null = null;
  private expectedAt = 0;
  private reason: string | null = null;
  private readonly warn: (line: string) => void;
  private readonly testTags: () => Tags;

  constructor(registry: MetricRegistry, warn: (line: string) => void, testTags: () => Tags) {
    this.registry = registry;
    this.warn = warn;
    this.testTags = testTags;
    this.loopLag = registry.define('runner_event_loop_lag', 'trend', 'time');
    this.startLag = registry.define('runner_iteration_start_lag', 'trend', 'time');
    this.corrected = registry.define('http_req_duration_corrected', 'trend', 'time');
  }

  /** Starts sampling the event loop: a 50 ms timer whose lateness is the lag. */
  start(): void {
    const period = 50;
    this.expectedAt = performance.now() + period;
    this.timer = setInterval(() => {
      const now = performance.now();
      this.registry.add(this.loopLag, Math.max(0, now - this.expectedAt), this.testTags());
      this.expectedAt = now + period;
    }, period);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** An arrival-rate iteration starts now; it was due at `scheduledAt` (performance.now() time). */
  iterationStarted(ctx: IterationContext, scheduledAt: number): void {
    const lag = Math.max(0, performance.now() - scheduledAt);
    ctx.startLagMs = lag;
    ctx.scheduled = true;
    this.registry.add(this.startLag, lag, ctx.tags);
  }

  /** Judged every second and at the end: the first crossing prints one warning and marks the run. */
  check(): void {
    if (this.reason !== null) return;
    const state = this.state();
    if (!state.saturated || state.reason === null) return;
    this.reason = state.reason;
    this.warn(
      `WARN the runner is saturated (${state.reason}): its own queueing is in the latency figures, which are not trustworthy; give it more CPU or a lower rate`,
    );
  }

  state(): RunnerHealthState {
    const loop = this.loopLag.sink as TrendSink;
    const start = this.startLag.sink as TrendSink;
    const eventLoopLagP99Ms = loop.count > 0 ? loop.percentile(99) : 0;
    const iterationStartLagP95Ms = start.count > 0 ? start.percentile(95) : null;
    const crossed: string[] = [];
    if (eventLoopLagP99Ms > HEALTH_BOUNDS.eventLoopLagP99Ms) {
      crossed.push(
        `event-loop lag p99 ${eventLoopLagP99Ms.toFixed(0)} ms > ${HEALTH_BOUNDS.eventLoopLagP99Ms} ms`,
      );
    }
    if (iterationStartLagP95Ms !== null && iterationStartLagP95Ms > HEALTH_BOUNDS.iterationStartLagP95Ms) {
      crossed.push(
        `iteration start lag p95 ${iterationStartLagP95Ms.toFixed(0)} ms > ${HEALTH_BOUNDS.iterationStartLagP95Ms} ms`,
      );
    }
    const reason = this.reason ?? (crossed.length > 0 ? crossed.join(', ') : null);
    return {
      saturated: reason !== null,
      reason,
      eventLoopLagP99Ms,
      iterationStartLagP95Ms,
      bounds: HEALTH_BOUNDS,
    };
  }
}
