// outage-2023: the multi-day outage of late January - early February 2023, accelerated to seconds. The
// identity store behind login fails: most calls fail at once, the rest hang longer than the app waits.
// People keep tapping "Masuk" (log in) until they get in or give up and go to the office, where walk-in
// service was opened. Legacy answers a bare 500 or nothing, so the app retries at once and piles taps on
// a store that is down; hardened times out fast and answers 503 with Retry-After and what to do, and the
// app waits as told. Once in, each user books a seat. Measures: the time to the first answer that tells
// the user something (`first_clear_answer`), the taps per user (`login_requests`, the retry
// amplification), the gap between a user's taps (`login_retry_gap`), and who gave up (`login_gave_up`).
import { check } from 'k6';
import exec from 'k6/execution';
import { Rate, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import { knob, seconds, target } from './lib/env.ts';
import { json, pause, retryAfterMs } from './lib/http.ts';
import {
  book,
  clearFaults,
  dateAhead,
  type Login,
  logIn,
  pickOffice,
  releaseQuota,
  type Slot,
  seedLogins,
  setApiFaults,
  warmUp,
} from './lib/journey.ts';
import { availability, bookingLatency, merge, summaryTrendStats } from './lib/slo.ts';

const t = target();
const rate = knob('RATE', 2, 4);
const arrivalS = knob('ARRIVAL_S', 90, 5);
/** How long the identity store is down, from the first arrival. */
const outageS = knob('OUTAGE_S', 60, 7);
/** Share of identity calls that fail at once; the rest hang for HANG_MS. */
const errorRate = knob('IDENTITY_ERROR_RATE', 0.9);
const hangMs = knob('HANG_MS', 30_000, 10_000);
/** How long the app waits for an answer before it gives up on a tap. */
const appTimeoutS = knob('APP_TIMEOUT_S', 10, 4);
/** The app's own retry after a failure that says nothing: at once (a short tap-again delay). */
const tapAgainMs = knob('TAP_AGAIN_MS', 300);
/** How long a person keeps trying before going to the office instead. */
const patienceS = knob('PATIENCE_S', 180, 20);
/** The SLO of this scenario: every user hears something useful within this many ms (p95). */
const clearWithinMs = knob('CLEAR_ANSWER_MS', 2000);
/**
 * Retry amplification: the taps a user may make on average. An app that waits as told taps once per
 * Retry-After (3 s) through the outage, plus the tap that gets in: 7 s / 3 s + 1 in short mode, 60 / 3 + 1.
 */
const maxTaps = knob('MAX_TAPS_PER_USER', 22, 4.5);

const firstClear = new Trend('first_clear_answer', true);
const retryGap = new Trend('login_retry_gap', true);
const requests = new Trend('login_requests');
const loginTime = new Trend('login_duration', true);
const gaveUp = new Rate('login_gave_up');

export const options: Options = {
  summaryTrendStats,
  setupTimeout: '60s',
  scenarios: {
    users: {
      executor: 'constant-arrival-rate',
      exec: 'user',
      rate,
      timeUnit: '1s',
      duration: seconds(arrivalS),
      preAllocatedVUs: rate * 4,
      maxVUs: rate * (patienceS + appTimeoutS + 5),
      gracefulStop: seconds(patienceS + appTimeoutS + 5),
    },
  },
  // Login is `surface: identity` (its failure is the premise, judged by the measures below); what users
  // do once in (booking) is `surface: api`, and the rest of the service must stay available and fast.
  thresholds: merge(availability, bookingLatency, {
    first_clear_answer: [`p(95)<${clearWithinMs}`],
    login_requests: [`avg<=${maxTaps}`],
  }),
};

interface Data {
  logins: Login[];
  slot: Slot;
}

export async function setup(): Promise<Data> {
  // Seeded accounts share the API's SEED_PASSWORD.
  const logins = await seedLogins(t, Math.ceil(rate * arrivalS * 1.1) + 5, 'paspor-lab-seed');
  const office = await pickOffice(t);
  await warmUp(t, office.id, 20);
  const [slot] = await releaseQuota(t, office.id, dateAhead(60), logins.length * 2);
  if (!slot) throw new Error('the release opened no slot');
  const now = Date.now();
  await setApiFaults(t, {
    identity: { latencyMs: hangMs, errorRate },
    startAt: new Date(now).toISOString(),
    endAt: new Date(now + outageS * 1000).toISOString(),
  });
  return { logins, slot };
}

export async function user(data: Data): Promise<void> {
  const login = data.logins[exec.scenario.iterationInTest];
  if (!login) return;
  const started = Date.now();
  let taps = 0;
  let clearAt: number | null = null;
  let lastTap = 0;
  let token: string | undefined;
  while (Date.now() - started < patienceS * 1000) {
    if (taps > 0) retryGap.add(Date.now() - lastTap);
    lastTap = Date.now();
    taps++;
    const attempt = await logIn(t, login, appTimeoutS);
    if (attempt.clear && clearAt === null) clearAt = Date.now();
    if (attempt.loggedIn) {
      token = json<{ token: string }>(attempt.res)?.token;
      break;
    }
    // Told when to come back: wait that long. Told nothing (a bare 500, or no answer): tap again.
    await pause(attempt.clear ? retryAfterMs(attempt.res, tapAgainMs) : tapAgainMs);
  }
  requests.add(taps);
  firstClear.add((clearAt ?? Date.now()) - started);
  // Gave up: goes to the office instead (the walk-in service opened during the outage).
  gaveUp.add(token === undefined);
  if (token === undefined) return;
  loginTime.add(Date.now() - started);
  const who = { accountId: '', token, applicantId: login.applicantId, nik: '' };
  const booked = await book(t, who, data.slot, { idempotencyKey: `outage-${login.applicantId}` });
  check(booked, { 'once logged in, booking works': (b) => b.outcome === 'held' });
}

export async function teardown(): Promise<void> {
  await clearFaults(t);
}
