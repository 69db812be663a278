// quota-hoarding: touts (calo) with a few accounts and many NIKs each are at the door when a release
// opens, and their bots tap "confirm" for every NIK at once; ordinary applicants, one NIK each, arrive a
// moment later. The field's complaint: the quota is gone in minutes, to a handful of accounts that sell
// the seats on. A fair service caps what one account can hold (hardened: 5 active holds per account, a
// rate limit on attempts), so the touts' share of a release stays small and the ordinary applicants get
// the rest. Measures: the seats the touts took (of those released), and the most one account holds.
import { check } from 'k6';
import exec from 'k6/execution';
import { Counter, Gauge, Rate } from 'k6/metrics';
import type { Options } from 'k6/options';
import { isShort, knob, seconds, target } from './lib/env.ts';
import { json, pause, request, retryAfterMs, type Surface } from './lib/http.ts';
import {
  type Applicant,
  type BookingAttempt,
  book,
  availability as calendar,
  clearFaults,
  dateAhead,
  pickOffice,
  releaseQuota,
  type Slot,
  seedAccounts,
  seedApplicants,
  warmUp,
} from './lib/journey.ts';
import { availability, bookingLatency, merge, summaryTrendStats } from './lib/slo.ts';

const t = target();
const days = knob('DAYS', 14, 3);
const capacity = knob('CAPACITY', 20, 10);
/** Seats released: two REGULER sessions a day. */
const seats = days * 2 * capacity;
const touts = knob('TOUTS', 20, 3);
/** NIKs per tout account: the seed route's maximum. */
const niksPerTout = knob('NIKS_PER_TOUT', 10);
/** Ordinary applicants: as many as there are seats, so that every seat a tout holds turns one away. */
const ordinary = knob('ORDINARY', seats, seats);
const arrivalRate = knob('ARRIVAL_RATE', 100, 20);
/** The touts' bots are faster than people: ordinary applicants start this long after the release. */
const headStartS = knob('HEAD_START_S', 1, 0.5);
/** The most seats one account may fairly hold (hardened's MAX_ACTIVE_HOLDS_PER_ACCOUNT). */
const fairHolds = knob('FAIR_HOLDS_PER_ACCOUNT', 5);
/**
 * The share of the released seats above which the touts captured the release. Counted against the seats
 * released, not the seats sold: a service that oversells (quota-race) must not dilute the touts' share.
 * Hardened caps 3 touts at 15 of the short run's 60 seats; legacy lets them take all 30 of their NIKs.
 */
const maxToutShare = knob('MAX_TOUT_SHARE', 0.4);
const maxToutSeats = Math.floor(seats * maxToutShare);
const triesPerNik = knob('TRIES', 4);
/**
 * The longest Retry-After a NIK waits out. A rate-limited account is told to come back when its minute
 * is over: by then the release is gone, so the NIK gives up (and the run does not idle for a minute).
 */
const maxWaitMs = knob('MAX_WAIT_MS', 5000);
const arrivalS = Math.ceil(ordinary / arrivalRate);

/** Seats the touts' accounts took. */
const toutSeats = new Counter('tout_seats');
/** One sample per ordinary applicant: 1 when they got no seat. */
const turnedAway = new Rate('ordinary_turned_away');
/** The most active holds one account has after the release, read from the target. */
const maxHolds = new Gauge('max_holds_per_account');

export const options: Options = {
  summaryTrendStats,
  setupTimeout: '60s',
  scenarios: {
    touts: {
      executor: 'per-vu-iterations',
      exec: 'tout',
      vus: touts,
      iterations: 1,
      maxDuration: seconds(arrivalS + 20),
    },
    ordinary: {
      executor: 'constant-arrival-rate',
      exec: 'applicant',
      rate: arrivalRate,
      timeUnit: '1s',
      duration: seconds(arrivalS),
      startTime: seconds(headStartS),
      preAllocatedVUs: Math.ceil(arrivalRate / 2),
      maxVUs: arrivalRate * 4,
      gracefulStop: isShort() ? '10s' : '30s',
    },
  },
  // Availability and latency are the ordinary applicants' (surface api): a bot's burst shed with 503 +
  // Retry-After is the fix working, not an outage.
  thresholds: merge(availability, bookingLatency, {
    tout_seats: [`count<=${maxToutSeats}`],
    max_holds_per_account: [`value<=${fairHolds}`],
  }),
};

interface Data {
  firstDate: string;
  officeId: string;
  toutAccounts: Applicant[][];
  applicants: Applicant[];
}

export async function setup(): Promise<Data> {
  const toutAccounts = await seedAccounts(t, touts, niksPerTout);
  const applicants = await seedApplicants(t, ordinary);
  const office = await pickOffice(t);
  await warmUp(t, office.id, 20);
  for (let d = 0; d < days; d++) await releaseQuota(t, office.id, dateAhead(60 + d), capacity);
  return { firstDate: dateAhead(60), officeId: office.id, toutAccounts, applicants };
}

async function firstGreen(data: Data): Promise<Slot | null> {
  const entries = await calendar(t, data.officeId, data.firstDate, days);
  const green = entries.find((e) => e.category === 'REGULER' && e.status === 'green');
  return green
    ? { officeId: data.officeId, date: green.date, session: green.session, category: 'REGULER' }
    : null;
}

/**
 * Tries the earliest green slots for one NIK; true when a seat was held. A slot sold out sends it to the
 * next one; a shed answer (503/429 with Retry-After: overloaded, one booking at a time per account, or
 * the account's rate limit) is waited out and tried again, as the app and the bots both do, unless the
 * wait is longer than the release lasts; a limit or an error ends it.
 */
async function grab(data: Data, who: Applicant, surface: Surface): Promise<boolean> {
  for (let attempt = 0; attempt < triesPerNik; attempt++) {
    const slot = await firstGreen(data);
    if (!slot) return false;
    const outcome: BookingAttempt = await book(t, who, slot, { timeoutS: 10, surface });
    if (outcome.outcome === 'held') return true;
    if (outcome.outcome === 'shed') {
      const waitMs = retryAfterMs(outcome.res, 500);
      if (waitMs > maxWaitMs) return false;
      await pause(waitMs);
    } else if (outcome.outcome !== 'quota-exhausted') return false;
  }
  return false;
}

/** A tout's bot: every NIK of the account at once, the moment the quota opens. */
export async function tout(data: Data): Promise<void> {
  const niks = data.toutAccounts[exec.vu.idInTest - 1] ?? [];
  const held = await Promise.all(niks.map((who) => grab(data, who, 'tout')));
  toutSeats.add(held.filter(Boolean).length);
}

export async function applicant(data: Data): Promise<void> {
  const who = data.applicants[exec.scenario.iterationInTest];
  if (!who) return;
  const got = await grab(data, who, 'api');
  turnedAway.add(!got);
}

/** The part of GET /admin/invariants this scenario reads: not an invariant, quota-hoarding's measure. */
interface InvariantsAnswer {
  holds?: { maxPerAccount: number; maxPerNik: number };
}

export async function teardown(): Promise<void> {
  const res = await request('admin', 'invariants', 'GET', `${t.apiUrl}/admin/invariants`, undefined, {
    token: t.adminToken,
    timeoutS: 60,
  });
  const body = json<InvariantsAnswer>(res);
  const holds = body?.holds;
  check(holds, { 'the target reports its holds per account': (h) => h !== undefined });
  if (holds) maxHolds.add(holds.maxPerAccount);
  await clearFaults(t);
}
