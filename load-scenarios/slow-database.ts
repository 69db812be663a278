// slow-database: steady booking traffic while the database slows down for a while (every statement
// takes longer: a disk under a backup, a noisy neighbour, a vacuum), then recovers. Applicants look at
// the calendar and book; their app gives up after a few seconds, and a "come back in a second" answer
// (503 + Retry-After) is waited out and tried again. A service with admission control refuses the
// excess at once and keeps what it admits inside the latency SLO (hardened's overload-collapse fix);
// one that admits everything queues on its pool until the applicants' apps time out (legacy).
// The shed answers are 503s and count against availability: the slowdown spends the error budget on
// either profile; what differs is whether anyone is served in time, and how fast a "no" comes.
import exec from 'k6/execution';
import type { Options } from 'k6/options';
import { knob, seconds, target } from './lib/env.ts';
import { pause, retryAfterMs } from './lib/http.ts';
import {
  type Applicant,
  book,
  clearFaults,
  dateAhead,
  pickOffice,
  releaseQuota,
  type Slot,
  seatsFree,
  seedApplicants,
  slowDatabase,
  warmUp,
} from './lib/journey.ts';
import { availability, merge, SLO_TARGETS, summaryTrendStats } from './lib/slo.ts';

const t = target();
const rate = knob('RATE', 20, 8);
const durationS = knob('DURATION_S', 180, 15);
/** The slowdown starts after this much healthy traffic and lasts SLOW_S. */
const slowFromS = knob('SLOW_FROM_S', 30, 3);
const slowS = knob('SLOW_S', 90, 8);
/** Added to every statement: a booking runs about six, so +40 ms is about a quarter second each. */
const latencyMs = knob('DB_LATENCY_MS', 40);
const jitterMs = knob('DB_JITTER_MS', 20);
/** The app gives up on an answer after this long. */
const requestTimeoutS = knob('REQUEST_TIMEOUT_S', 5, 3);
const tries = knob('TRIES', 3);

export const options: Options = {
  summaryTrendStats,
  setupTimeout: '60s',
  scenarios: {
    bookers: {
      executor: 'constant-arrival-rate',
      exec: 'lookAndBook',
      rate,
      timeUnit: '1s',
      duration: seconds(durationS),
      preAllocatedVUs: rate * 2,
      maxVUs: rate * (requestTimeoutS * tries + 5),
      gracefulStop: seconds(requestTimeoutS * tries + 5),
    },
    slowdown: {
      executor: 'per-vu-iterations',
      exec: 'slowDown',
      vus: 1,
      iterations: 1,
      startTime: seconds(slowFromS),
      maxDuration: '30s',
    },
  },
  thresholds: merge(availability, {
    // What is admitted keeps the latency SLO...
    'http_req_duration{step:book,expected_response:true}': [
      `p(95)<${SLO_TARGETS.latencyP95Ms}`,
      `p(99)<${SLO_TARGETS.latencyP99Ms}`,
    ],
    // ...every answer, a "no" included, comes within the SLO's second: none waits until the app gives up...
    'http_req_duration{step:book}': [`p(99)<${SLO_TARGETS.latencyP99Ms}`],
    // ...and a refusal is fast, or it only adds to the queue.
    shed_duration: ['p(99)<100'],
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
  const [slot] = await releaseQuota(t, office.id, dateAhead(65), seeded.length * 2);
  if (!slot) throw new Error('the release opened no slot');
  return { slot, applicants: seeded };
}

export async function lookAndBook(data: Data): Promise<void> {
  const who = data.applicants[exec.scenario.iterationInTest];
  if (!who) return;
  await seatsFree(t, data.slot);
  for (let attempt = 0; attempt < tries; attempt++) {
    const outcome = await book(t, who, data.slot, {
      idempotencyKey: `slow-${who.applicantId}`,
      timeoutS: requestTimeoutS,
    });
    if (outcome.outcome !== 'shed' && outcome.outcome !== 'timeout' && outcome.outcome !== 'error') return;
    await pause(retryAfterMs(outcome.res, 1000));
  }
}

export async function slowDown(): Promise<void> {
  await slowDatabase(t, latencyMs, jitterMs, slowS * 1000);
  await pause(slowS * 1000);
}

export async function teardown(): Promise<void> {
  await clearFaults(t);
}
