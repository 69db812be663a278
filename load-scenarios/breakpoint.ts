// breakpoint: the arrival rate of booking traffic (look at the calendar, book, cancel) ramps up until
// an SLO breaks; `abortOnFail` stops the run there, and the run reports the offered rate at the knee.
// Past the knee a fragile service slows down until requests time out; a hardened one sheds the excess
// fast (429/503 with Retry-After) and keeps the latency SLO for what it admits.

import exec from 'k6/execution';
import type { Options } from 'k6/options';
import { knob, seconds, target } from './lib/env.ts';
import { request } from './lib/http.ts';
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
} from './lib/journey.ts';
import { summaryTrendStats } from './lib/slo.ts';

const t = target();
const startRate = knob('START_RATE', 10);
const maxRate = knob('MAX_RATE', 1000, 400);
const rampS = knob('RAMP_S', 300, 25);
const applicants = knob('APPLICANTS', 1000, 300);
const requestTimeoutS = knob('REQUEST_TIMEOUT_S', 5, 3);

/**
 * The run goes on past the knee (the SLO thresholds below do not abort) until the service is clearly
 * broken: then `abortOnFail` stops it. The knee itself is read from the per-second series.
 */
const farPastTheKnee = (threshold: string) => ({ threshold, abortOnFail: true, delayAbortEval: '5s' });

export const options: Options = {
  summaryTrendStats,
  setupTimeout: '60s',
  scenarios: {
    ramp: {
      executor: 'ramping-arrival-rate',
      exec: 'bookAndCancel',
      startRate,
      timeUnit: '1s',
      preAllocatedVUs: 50,
      maxVUs: Math.ceil(maxRate * requestTimeoutS),
      stages: [{ target: maxRate, duration: seconds(rampS) }],
      gracefulStop: seconds(requestTimeoutS + 1),
    },
  },
  thresholds: {
    // The SLOs. Admitted answers (not shed, not failed) keep the latency SLO...
    'http_req_duration{step:book,expected_response:true}': ['p(95)<500', 'p(99)<1000'],
    // ...almost everything is answered without a 5xx or a timeout (shedding counts against this)...
    'http_req_failed{surface:api}': ['rate<0.005', farPastTheKnee('rate<0.05')],
    // ...and shedding only helps when it is fast.
    shed_duration: ['p(99)<100'],
    // Far past the knee: every booking, admitted or not, takes seconds.
    'http_req_duration{step:book}': [farPastTheKnee('p(95)<3000')],
  },
};

/** The offered arrival rate `elapsedS` seconds into the ramp (for the knee in the run's report). */
export function offeredRate(elapsedS: number): number {
  return startRate + ((maxRate - startRate) * Math.min(elapsedS, rampS)) / rampS;
}

interface Data {
  slot: Slot;
  applicants: Applicant[];
}

export async function setup(): Promise<Data> {
  const seeded = await seedApplicants(t, applicants);
  const office = await pickOffice(t);
  const [slot] = await releaseQuota(t, office.id, dateAhead(80), 100_000);
  if (!slot) throw new Error('the release opened no slot');
  return { slot, applicants: seeded };
}

export async function bookAndCancel(data: Data): Promise<void> {
  const who = data.applicants[exec.scenario.iterationInTest % data.applicants.length];
  if (!who) return;
  await seatsFree(t, data.slot);
  const attempt = await book(t, who, data.slot, { timeoutS: requestTimeoutS });
  if (!attempt.booking) return;
  // Give the seat back so the next user with this applicant can book again.
  await request('api', 'cancel', 'POST', `${t.apiUrl}/v1/bookings/${attempt.booking.id}/cancel`, undefined, {
    token: who.token,
    timeoutS: requestTimeoutS,
  });
}

export async function teardown(): Promise<void> {
  await clearFaults(t);
}
