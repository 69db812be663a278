// The service-level objectives of docs/DEFECTS.md: the one place their numbers are written. k6 scripts
// import the thresholds below; reports/src/slo.ts imports SLO_TARGETS; the Prometheus rules and the
// dashboards' texts are generated from it (observability/slo/). Plain constants, no imports: real k6
// loads this file too.

/** The objectives, in the shape the reports judge a run by. */
export const SLO_TARGETS = {
  /** Share of booking-API requests answered without a 5xx (a 409 "quota exhausted" is a correct answer). */
  availability: 0.995,
  /** 95% of booking requests under this many milliseconds ... */
  latencyP95Ms: 500,
  /** ... and 99% under this many. */
  latencyP99Ms: 1000,
  /** The payment code must arrive within this many seconds ... */
  paymentCodeSeconds: 30,
  /** ... for at least this share of successful bookings. */
  paymentCodeShare: 0.99,
  /** Correctness: invariant violations allowed. None: this objective has no error budget. */
  invariantViolations: 0,
} as const;

/** 1 - objective without the float noise of the subtraction (1 - 0.995 is 0.0050000000000000044). */
export function budgetOf(objective: number): number {
  return Number((1 - objective).toPrecision(6));
}

/** A k6 thresholds block (k6's `Threshold` type accepts these strings). */
export type Thresholds = Record<string, string[]>;

/** Availability: at least 99.5% of booking-API requests answer without a 5xx (or a timeout). */
export const availability: Thresholds = {
  'http_req_failed{surface:api}': [`rate<${budgetOf(SLO_TARGETS.availability)}`],
};

/** Latency of booking requests (POST /v1/bookings): p95 under 500 ms, p99 under 1 s. */
export const bookingLatency: Thresholds = {
  'http_req_duration{step:book}': [`p(95)<${SLO_TARGETS.latencyP95Ms}`, `p(99)<${SLO_TARGETS.latencyP99Ms}`],
};

/** Payment code: 99% of successful bookings see their code within the issuance objective. */
export const paymentCode: Thresholds = {
  payment_code_within_slo: [`rate>=${SLO_TARGETS.paymentCodeShare}`],
};

/** Every check a scenario makes must hold (checks are written so that a correct service passes). */
export const allChecks: Thresholds = {
  checks: ['rate==1'],
};

export function merge(...parts: Thresholds[]): Thresholds {
  return Object.assign({}, ...parts);
}

/** The summary's trend statistics: k6's defaults plus p(99), which the latency SLO needs. */
export const summaryTrendStats = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'];
