// quota-rush: a release event opens the quota of the next days and a crowd of seeded applicants
// arrives at once (open model: arrivals do not wait for earlier ones), while others keep polling the
// calendar. Everyone wants the earliest date: each user reads the calendar, books the first green
// slot, and on "quota exhausted" reads it again and tries the next one. Some tap "confirm" twice, and
// anyone who gets an error or a timeout tries again, as real users do. A correct service sells every
// seat exactly once: no slot over capacity, no NIK booked twice.
import { check } from 'k6';
import exec from 'k6/execution';
import type { Options } from 'k6/options';
import { isShort, knob, seconds, target } from './lib/env.ts';
import { pause } from './lib/http.ts';
import {
  type Applicant,
  type BookingAttempt,
  bookWithRetries,
  availability as calendar,
  clearFaults,
  dateAhead,
  pickOffice,
  releaseQuota,
  type Slot,
  seedApplicants,
  warmUp,
} from './lib/journey.ts';
import { endState } from './lib/metrics.ts';
import { availability, bookingLatency, merge, summaryTrendStats } from './lib/slo.ts';

const t = target();
/** Released days; each has two sessions, so twice as many REGULER slots. */
const days = knob('DAYS', 7, 3);
const capacity = knob('CAPACITY', 20, 5);
const applicants = knob('APPLICANTS', 3000, 300);
/**
 * The moment the quota opens, everyone waiting taps at once: a one-second burst at this rate. The short
 * run (CI, a 2-core machine that also runs this load) stays well under the service's capacity, so that
 * what it finds is the defects and not the machine: at 50/s the hardened API on PGlite shed a quarter of
 * the burst's first second on a slow day (breakpoint knee 41 iterations/s), at 20/s nothing. The race
 * stays as likely, because the short run widens legacy's read-to-write window in proportion (the CLI
 * sets LEGACY_DOCUMENT_CHECK_MS=100 for it; see cli/src/scenarios.ts).
 */
const burstRate = knob('BURST_RATE', 600, 20);
/** Then the crowd keeps arriving at this rate. */
const peakRate = knob('PEAK_RATE', 200, 10);
const holdS = knob('HOLD_S', 20, 4);
const rampDownS = knob('RAMP_DOWN_S', 30, 3);
/** Share of users who tap "confirm" twice at once (the same Idempotency-Key, as the app sends it). */
const doubleTapShare = knob('DOUBLE_TAP_SHARE', 0.3);
/** How many green slots a user tries before giving up. */
const triesPerUser = knob('TRIES', 3);
const requestTimeoutS = knob('REQUEST_TIMEOUT_S', 10, 5);
/** Bookings served (and cancelled) before the release, as a running service has (see warmUp). */
const warmUpBookings = knob('WARM_UP', 40);
const rushS = 2 + holdS + rampDownS;

export const options: Options = {
  summaryTrendStats,
  setupTimeout: '60s',
  scenarios: {
    rush: {
      executor: 'ramping-arrival-rate',
      exec: 'rush',
      // The crowd is already waiting when the quota opens: a burst, then a steady stream, then it thins out.
      startRate: burstRate,
      timeUnit: '1s',
      preAllocatedVUs: Math.ceil(burstRate / 2),
      maxVUs: burstRate * 4,
      stages: [
        { target: burstRate, duration: '1s' },
        { target: peakRate, duration: '1s' },
        { target: peakRate, duration: seconds(holdS) },
        { target: 0, duration: seconds(rampDownS) },
      ],
      gracefulStop: isShort() ? '10s' : '30s',
    },
    pollers: {
      executor: 'constant-vus',
      exec: 'poll',
      vus: isShort() ? 5 : 20,
      duration: seconds(rushS),
    },
  },
  thresholds: merge(availability, bookingLatency, {
    // Read from the target after the rush: every seat taken, none beyond capacity.
    end_state_correct: ['rate==1'],
  }),
};

interface Data {
  firstDate: string;
  officeId: string;
  /** Every REGULER slot released, earliest first. */
  slots: Slot[];
  applicants: Applicant[];
}

export async function setup(): Promise<Data> {
  const seeded = await seedApplicants(t, applicants);
  const office = await pickOffice(t);
  await warmUp(t, office.id, warmUpBookings);
  const slots: Slot[] = [];
  for (let d = 0; d < days; d++)
    slots.push(...(await releaseQuota(t, office.id, dateAhead(40 + d), capacity)));
  return { firstDate: dateAhead(40), officeId: office.id, slots, applicants: seeded };
}

/** The earliest REGULER slot the calendar shows green, or null when everything is red. */
async function firstGreen(data: Data): Promise<Slot | null> {
  const entries = await calendar(t, data.officeId, data.firstDate, days);
  const green = entries.find((e) => e.category === 'REGULER' && e.status === 'green');
  return green
    ? { officeId: data.officeId, date: green.date, session: green.session, category: 'REGULER' }
    : null;
}

export async function rush(data: Data): Promise<void> {
  const n = exec.scenario.iterationInTest;
  const who = data.applicants[n];
  // More arrivals than seeded applicants: the extra ones only look at the calendar.
  if (!who) {
    await firstGreen(data);
    return;
  }
  const taps = n % 100 < doubleTapShare * 100 ? 2 : 1;
  for (let attempt = 0; attempt < triesPerUser; attempt++) {
    const slot = await firstGreen(data);
    if (!slot) return; // all red: the quota is gone
    const retry = {
      attempts: 3,
      idempotencyKey: `rush-${who.applicantId}-${slot.date}-${slot.session}`,
      timeoutS: requestTimeoutS,
    };
    const pending: Promise<BookingAttempt>[] = [];
    for (let i = 0; i < taps; i++) pending.push(bookWithRetries(t, who, slot, retry));
    const outcomes = await Promise.all(pending);
    check(outcomes, {
      'every tap gets a held seat or a clear "no"': (all) =>
        all.every((a) => ['held', 'quota-exhausted', 'active-booking-exists', 'shed'].includes(a.outcome)),
    });
    if (!outcomes.every((a) => a.outcome === 'quota-exhausted')) return;
  }
}

export async function poll(data: Data): Promise<void> {
  await calendar(t, data.officeId, data.firstDate, days);
  await pause(1000);
}

export async function teardown(data: Data): Promise<void> {
  // The calendar may be served from a cache for up to a second (hardened); read past it.
  await pause(1500);
  const entries = await calendar(t, data.officeId, data.firstDate, days);
  for (const slot of data.slots) {
    const seen = entries.find(
      (e) => e.date === slot.date && e.session === slot.session && e.category === 'REGULER',
    );
    const soldExactly = seen !== undefined && seen.taken === capacity && seen.free === 0;
    endState.add(soldExactly, { check: 'every seat sold exactly once' });
    check(seen, { 'every seat is sold, none twice': () => soldExactly });
  }
  await clearFaults(t);
}
