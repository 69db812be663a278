// The service-level objectives of DEFECTS.md as k6 thresholds. Every scenario starts from these.
import type { Threshold } from 'k6/options';

export type Thresholds = Record<string, Threshold[]>;

/** Availability: at least 99.5% of booking-API requests answer without a 5xx (or a timeout). */
export const availability: Thresholds = {
  'http_req_failed{surface:api}': ['rate<0.005'],
};

/** Latency of booking requests (POST /v1/bookings): p95 under 500 ms, p99 under 1 s. */
export const bookingLatency: Thresholds = {
  'http_req_duration{step:book}': ['p(95)<500', 'p(99)<1000'],
};

/** Payment code: 99% of successful bookings see their code within the issuance objective. */
export const paymentCode: Thresholds = {
  payment_code_within_slo: ['rate>=0.99'],
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
