// soak: mixed steady traffic for a long time (30 minutes by default, seconds in short mode): people
// browsing the calendar, people booking, waiting for the code and paying. Nothing breaks on purpose;
// the run watches for drift in latency, memory and pool use (server.ndjson, and the report's charts).
import { check } from 'k6';
import exec from 'k6/execution';
import type { Options } from 'k6/options';
import { knob, seconds, target } from './lib/env.ts';
import {
  type Applicant,
  bookWithRetries,
  clearFaults,
  dateAhead,
  pay,
  pickOffice,
  releaseQuota,
  type Slot,
  seatsFree,
  seedApplicants,
  waitForCode,
  waitForStatus,
} from './lib/journey.ts';
import {
  availability,
  bookingLatency,
  merge,
  paymentCode,
  SLO_TARGETS,
  summaryTrendStats,
} from './lib/slo.ts';

const t = target();
const durationS = knob('DURATION_S', 1800, 10);
const browseRate = knob('BROWSE_RATE', 20, 10);
const bookRate = knob('BOOK_RATE', 2, 3);

export const options: Options = {
  summaryTrendStats,
  setupTimeout: '120s',
  scenarios: {
    browsers: {
      executor: 'constant-arrival-rate',
      exec: 'browse',
      rate: browseRate,
      timeUnit: '1s',
      duration: seconds(durationS),
      preAllocatedVUs: browseRate,
      maxVUs: browseRate * 10,
    },
    bookers: {
      executor: 'constant-arrival-rate',
      exec: 'bookAndPay',
      rate: bookRate,
      timeUnit: '1s',
      duration: seconds(durationS),
      preAllocatedVUs: bookRate * 10,
      maxVUs: bookRate * 60,
      gracefulStop: '30s',
    },
  },
  thresholds: merge(availability, bookingLatency, paymentCode),
};

interface Data {
  slot: Slot;
  applicants: Applicant[];
}

export async function setup(): Promise<Data> {
  const seeded = await seedApplicants(t, Math.ceil(bookRate * durationS * 1.05) + 10);
  const office = await pickOffice(t);
  const [slot] = await releaseQuota(t, office.id, dateAhead(70), seeded.length * 2);
  if (!slot) throw new Error('the release opened no slot');
  return { slot, applicants: seeded };
}

export async function browse(data: Data): Promise<void> {
  await seatsFree(t, data.slot);
}

export async function bookAndPay(data: Data): Promise<void> {
  const who = data.applicants[exec.scenario.iterationInTest % data.applicants.length];
  if (!who) return;
  const bookedAt = Date.now();
  const attempt = await bookWithRetries(t, who, data.slot, {
    attempts: 3,
    idempotencyKey: `soak-${who.applicantId}`,
  });
  if (!attempt.booking) return;
  const booking = await waitForCode(t, who, attempt.booking, bookedAt, SLO_TARGETS.paymentCodeSeconds * 1000);
  if (!booking.billingCode) return;
  await pay(t, booking.billingCode, 'INTERNET_BANKING');
  const paid = await waitForStatus(t, who, booking.id, ['PAID'], 15_000);
  check(paid, { 'a paid booking turns PAID': (b) => b?.status === 'PAID' });
}

export async function teardown(): Promise<void> {
  await clearFaults(t);
}
