// crash-recovery: the API process dies in the middle of a booking rush (SIGKILL: no drain, no goodbye)
// and the harness starts it again on the same database. Applicants whose request was cut off retry with
// the same Idempotency-Key; everyone who was told "booked" comes back later and opens their booking.
// A durable service loses none of those (each 201/202 was committed before it was sent), keeps its
// invariants, and issues the codes of the holds the crash caught between seat and code (hardened's
// outbox is in the database). Legacy's inline billing call dies with the process: the seat stays held
// by a booking whose code never comes (billing-fragile), and the retries book twice (duplicate-submit).
// The gap itself is measured (api_restart_gap, and the restart's window in faults.ndjson); availability
// is judged outside it, since a crash spends the error budget by definition.
import { check } from 'k6';
import exec from 'k6/execution';
import { Counter, Rate, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import { knob, seconds, target } from './lib/env.ts';
import { pause, retryAfterMs } from './lib/http.ts';
import {
  type Applicant,
  type BookingAttempt,
  book,
  clearFaults,
  dateAhead,
  getBooking,
  pickOffice,
  type Restart,
  releaseQuota,
  restartApiThroughHarness,
  restartsDone,
  type Slot,
  seedApplicants,
  setBillingFaults,
  warmUp,
} from './lib/journey.ts';
import { merge, SLO_TARGETS, summaryTrendStats } from './lib/slo.ts';

const t = target();
const rate = knob('RATE', 40, 10);
const durationS = knob('DURATION_S', 120, 15);
/** The kill, this long after the rush began. */
const killAtS = knob('KILL_AT_S', 40, 5);
/**
 * The billing system's ordinary pace under a rush (SIMPONI answers in hundreds of milliseconds): with it,
 * a handful of bookings are always between their seat and their code, which is where a crash hurts.
 */
const billingLatencyMs = knob('BILLING_LATENCY_MS', 300);
const attempts = knob('TRIES', 8, 8);
const requestTimeoutS = knob('REQUEST_TIMEOUT_S', 10, 5);
/** How long an applicant waits for the service to come back before giving up on checking. */
const comeBackS = knob('COME_BACK_S', 120, 90);

/** 1 per booking answered 201/202 that is still there after the restart; 0 when it is gone. */
const kept = new Rate('answered_booking_kept');
/** Of those, the ones answered before the kill: the ones the restart could have lost. */
const answeredBeforeKill = new Counter('answered_before_kill');
/** Booking-API requests answered without a 5xx or a timeout, outside the restart's window. */
const availabilityOutside = new Rate('availability_outside_restart');
/** Booking-API requests that overlapped the restart (the gap in service, counted apart). */
const duringRestart = new Counter('requests_during_restart');
const restarts = new Counter('api_restarts');
const restartGap = new Trend('api_restart_gap', true);

const admittedBookingLatency = {
  'http_req_duration{step:book,expected_response:true}': [
    `p(95)<${SLO_TARGETS.latencyP95Ms}`,
    `p(99)<${SLO_TARGETS.latencyP99Ms}`,
  ],
};

export const options: Options = {
  summaryTrendStats,
  setupTimeout: '90s',
  teardownTimeout: '60s',
  scenarios: {
    bookers: {
      executor: 'constant-arrival-rate',
      exec: 'bookAndComeBack',
      rate,
      timeUnit: '1s',
      duration: seconds(durationS),
      preAllocatedVUs: rate * 3,
      maxVUs: rate * 30,
      gracefulStop: seconds(comeBackS + 10),
    },
    crash: {
      executor: 'per-vu-iterations',
      exec: 'crash',
      vus: 1,
      iterations: 1,
      startTime: seconds(killAtS),
      maxDuration: '170s',
    },
  },
  thresholds: merge(admittedBookingLatency, {
    // Availability (docs/DEFECTS.md) on the requests outside the restart's window.
    availability_outside_restart: [`rate>=${SLO_TARGETS.availability}`],
    // Durability: nobody told "booked" loses the booking.
    answered_booking_kept: ['rate==1'],
    // The scenario did what it says: the API was killed and came back.
    api_restarts: ['count==1'],
  }),
};

interface Data {
  slot: Slot;
  applicants: Applicant[];
}

export async function setup(): Promise<Data> {
  const seeded = await seedApplicants(t, Math.ceil(rate * durationS * 1.1) + 10);
  const office = await pickOffice(t);
  await warmUp(t, office.id, 20);
  const [slot] = await releaseQuota(t, office.id, dateAhead(55), seeded.length * 2);
  if (!slot) throw new Error('the release opened no slot');
  if (billingLatencyMs > 0) await setBillingFaults(t, { billing: { latencyMs: billingLatencyMs } });
  return { slot, applicants: seeded };
}

interface Sent {
  startMs: number;
  endMs: number;
  failed: boolean;
}

const failed = (attempt: BookingAttempt) => attempt.res.status === 0 || attempt.res.status >= 500;

/** The harness's finished restart, waited for (the applicant comes back once the service is back). */
async function restartOnceDone(): Promise<Restart | null> {
  for (const until = Date.now() + comeBackS * 1000; Date.now() < until; ) {
    const [done] = await restartsDone();
    if (done) return done;
    await pause(1000);
  }
  return null;
}

export async function bookAndComeBack(data: Data): Promise<void> {
  const who = data.applicants[exec.scenario.iterationInTest];
  if (!who) return;
  const sent: Sent[] = [];
  const key = `crash-${who.applicantId}`;
  let attempt: BookingAttempt | undefined;
  for (let tries = 0; tries < attempts; tries++) {
    const startMs = Date.now();
    attempt = await book(t, who, data.slot, { idempotencyKey: key, timeoutS: requestTimeoutS });
    sent.push({ startMs, endMs: Date.now(), failed: failed(attempt) });
    if (attempt.outcome !== 'error' && attempt.outcome !== 'timeout' && attempt.outcome !== 'shed') break;
    await pause(retryAfterMs(attempt.res, 500 + Math.random() * 1000));
  }
  const answeredAt = Date.now();
  const restart = await restartOnceDone();
  if (attempt?.booking && restart) {
    // Later, the applicant opens the booking they were told they had.
    let seen = null;
    for (let tries = 0; tries < 5 && !seen; tries++) {
      const startMs = Date.now();
      seen = await getBooking(t, who, attempt.booking.id);
      sent.push({ startMs, endMs: Date.now(), failed: seen === null });
      if (!seen) await pause(1000);
    }
    kept.add(seen?.id === attempt.booking.id);
    if (answeredAt < Date.parse(restart.killedAt)) answeredBeforeKill.add(1);
  }
  const [from, to] = restart ? [Date.parse(restart.killedAt), Date.parse(restart.readyAt)] : [0, 0];
  for (const s of sent) {
    if (restart && s.endMs >= from && s.startMs <= to) duringRestart.add(1);
    else availabilityOutside.add(!s.failed);
  }
}

export async function crash(): Promise<void> {
  const restart = await restartApiThroughHarness('SIGKILL');
  check(restart, { 'the API came back after the kill': (r) => r !== null });
  if (!restart) return;
  restarts.add(1);
  restartGap.add(restart.gapMs);
}

export async function teardown(): Promise<void> {
  await clearFaults(t);
}
