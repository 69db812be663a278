// What the live page shows, one point per second: the runner's samples (requests, booking latency,
// errors by class, VUs, iterations) and the target's own scrape (seats left), folded into seconds. Pure:
// the page server calls `flush()` once a second and draws the history.

/** Errors by class, as the report's chart counts them (reports/src/render/run-charts.ts). */
export interface ErrorClasses {
  /** 5xx answers other than 503. */
  serverError: number;
  /** No answer at all: a timeout or a refused connection (k6's status 0). */
  noAnswer: number;
  /** Load shed on purpose: 429 and 503. */
  shed: number;
  /** Other 4xx; a 409 is a correct "the quota is gone" and does not count. */
  client: number;
}

export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
}

export interface LiveSecond {
  second: number;
  /** HTTP requests the runner finished in this second (every surface). */
  requests: number;
  iterations: number;
  /** Booking requests (POST /v1/bookings, the latency SLO's `step:book`) in milliseconds; null without one. */
  booking: Percentiles | null;
  errors: ErrorClasses;
  /** The last VU count the runner sampled in this second; null before its first. */
  vus: number | null;
  /** Seats of the released window not yet taken, from the target's /metrics; null when no scrape answered. */
  seatsLeft: number | null;
}

const noErrors = (): ErrorClasses => ({ serverError: 0, noAnswer: 0, shed: 0, client: 0 });

/** The class of one answer's status, or null when it is not an error (2xx, 3xx, 409). */
export function errorClass(status: number): keyof ErrorClasses | null {
  if (status === 0) return 'noAnswer';
  if (status === 429 || status === 503) return 'shed';
  if (status >= 500) return 'serverError';
  if (status >= 400 && status !== 409) return 'client';
  return null;
}

/** k6's percentile: linear between the two closest ranks of the sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const lo = sorted[low] ?? 0;
  const hi = sorted[Math.min(low + 1, sorted.length - 1)] ?? lo;
  return lo + (hi - lo) * (rank - low);
}

/** Seats left from one server.ndjson line (cli/src/server-samples.ts), or null when the scrape failed. */
export function seatsLeftOf(line: string): number | null {
  let sample: Record<string, unknown>;
  try {
    sample = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
  const capacity = sample.mpaspor_slot_capacity;
  const taken = sample.mpaspor_slot_taken;
  if (typeof capacity !== 'number' || typeof taken !== 'number') return null;
  return Math.max(0, capacity - taken);
}

export class LiveCollector {
  private readonly seconds: LiveSecond[] = [];
  private requests = 0;
  private iterations = 0;
  private booking: number[] = [];
  private errors = noErrors();
  private vus: number | null = null;
  private seatsLeft: number | null = null;

  /** One runner sample (load-runner's onSample): only the metrics the page draws are looked at. */
  sample(metric: string, value: number, tags: Readonly<Record<string, string>>): void {
    switch (metric) {
      case 'http_reqs': {
        this.requests += value;
        const cls = errorClass(Number(tags.status ?? 0));
        if (cls) this.errors[cls] += value;
        return;
      }
      case 'http_req_duration':
        if (tags.step === 'book') this.booking.push(value);
        return;
      case 'iterations':
        this.iterations += value;
        return;
      case 'vus':
        this.vus = value;
        return;
    }
  }

  /** One line of the target's scrape (server.ndjson); the newest of a second is the one kept. */
  server(line: string): void {
    this.seatsLeft = seatsLeftOf(line);
  }

  /** Closes the second that just ended and starts the next. */
  flush(): LiveSecond {
    const sorted = this.booking.sort((a, b) => a - b);
    const point: LiveSecond = {
      second: this.seconds.length,
      requests: this.requests,
      iterations: this.iterations,
      booking:
        sorted.length === 0
          ? null
          : {
              count: sorted.length,
              p50: percentile(sorted, 50),
              p95: percentile(sorted, 95),
              p99: percentile(sorted, 99),
            },
      errors: this.errors,
      vus: this.vus,
      seatsLeft: this.seatsLeft,
    };
    this.seconds.push(point);
    this.requests = 0;
    this.iterations = 0;
    this.booking = [];
    this.errors = noErrors();
    // The VU gauge and the seats carry over: they are levels, not counts of the second.
    return point;
  }

  get history(): readonly LiveSecond[] {
    return this.seconds;
  }
}
