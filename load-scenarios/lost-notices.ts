// lost-notices: the June 2024 incident. The national data centre was down, and the bank's payment
// notices were lost, late or repeated: people who had paid saw "menunggu pembayaran" (waiting for
// payment) and then "kadaluarsa" (expired). Here every applicant pays well inside the 2-hour window (an
// accelerated clock, the stack's CLOCK_SPEED), while the bank drops a share of its notices, delays the
// rest and sends some twice. A correct service re-syncs with billing ("Cek Tagihan": ask billing for the
// bill's status) before it expires a booking, so every paid booking ends PAID; legacy expires on the
// deadline what it never heard about. Measure: paid bookings not PAID at the end (`paid_not_paid`).
import { check } from 'k6';
import exec from 'k6/execution';
import { Counter, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import { knob, seconds, target } from './lib/env.ts';
import { pause } from './lib/http.ts';
import {
  type Applicant,
  bookWithRetries,
  clearFaults,
  clockSpeed,
  dateAhead,
  pay,
  pickOffice,
  releaseQuota,
  type Slot,
  seedApplicants,
  setBillingFaults,
  waitForCode,
  waitForStatus,
  warmUp,
} from './lib/journey.ts';
import { availability, bookingLatency, merge, summaryTrendStats } from './lib/slo.ts';

const t = target();
const rate = knob('RATE', 2, 4);
const durationS = knob('DURATION_S', 60, 4);
/** Share of notices the bank never sends (the incident's lost notices). */
const dropRate = knob('NOTICE_DROP_RATE', 0.4);
/** Share of the notices sent twice, same id and body. */
const duplicateRate = knob('NOTICE_DUPLICATE_RATE', 0.3);
/** Real-time delay of every notice that is sent, as a share of the (accelerated) payment window. */
const noticeDelayShare = knob('NOTICE_DELAY_SHARE', 0.2);
/** Upper bound of one applicant's story in real seconds (the window at the slowest clock used). */
const storyS = knob('STORY_S', 120, 20);

/** When each applicant pays, as a share of the payment window: all of them in time. */
const PAY_AT: readonly number[] = [0.2, 0.4, 0.6];

/** Paid at the bank, yet not PAID when the story ends: still "menunggu pembayaran", or kadaluarsa. */
const paidNotPaid = new Counter('paid_not_paid');
/** Of those, the ones the service expired (kadaluarsa although paid). */
const paidExpired = new Counter('paid_expired');
/** From paying at the bank to seeing PAID in the app. */
const paidToPaid = new Trend('paid_to_paid', true);

export const options: Options = {
  summaryTrendStats,
  setupTimeout: '60s',
  scenarios: {
    applicants: {
      executor: 'constant-arrival-rate',
      exec: 'bookAndPay',
      rate,
      timeUnit: '1s',
      duration: seconds(durationS),
      preAllocatedVUs: rate * 4,
      maxVUs: rate * storyS,
      gracefulStop: seconds(storyS),
    },
  },
  thresholds: merge(availability, bookingLatency, {
    // Every applicant who paid ends PAID, whatever the bank's notices did.
    paid_not_paid: ['count==0'],
  }),
};

interface Data {
  slot: Slot;
  applicants: Applicant[];
  windowMs: number;
}

export async function setup(): Promise<Data> {
  const seeded = await seedApplicants(t, Math.ceil(rate * durationS * 1.1) + 10);
  const office = await pickOffice(t);
  // A warm service: this scenario is about notices, not a process compiling its booking path.
  await warmUp(t, office.id, 20);
  const [slot] = await releaseQuota(t, office.id, dateAhead(60), seeded.length * 2);
  if (!slot) throw new Error('the release opened no slot');
  const speed = await clockSpeed(t);
  const windowMs = (2 * 3600 * 1000) / speed;
  if (windowMs > storyS * 600) {
    throw new Error(
      `the payment window lasts ${windowMs} ms of real time at clock speed ${speed}; run the target with a faster CLOCK_SPEED`,
    );
  }
  await setBillingFaults(t, {
    notices: { delayMs: Math.round(windowMs * noticeDelayShare), dropRate, duplicateRate, reorder: true },
  });
  // Counters report 0, not "no data", when nobody was left unpaid.
  paidNotPaid.add(0);
  paidExpired.add(0);
  return { slot, applicants: seeded, windowMs };
}

export async function bookAndPay(data: Data): Promise<void> {
  const n = exec.scenario.iterationInTest;
  const who = data.applicants[n % data.applicants.length];
  if (!who) return;
  const bookedAt = Date.now();
  const attempt = await bookWithRetries(t, who, data.slot, {
    attempts: 4,
    idempotencyKey: `lost-${who.applicantId}`,
  });
  if (!attempt.booking) return;
  const booking = await waitForCode(t, who, attempt.booking, bookedAt, 10_000, 200);
  if (!booking.billingCode) return;

  const issuedAt = Date.now();
  const payAt = PAY_AT[n % PAY_AT.length] ?? 0.2;
  await pause(issuedAt + data.windowMs * payAt - Date.now());
  const paid = await pay(t, booking.billingCode, 'ATM');
  if (paid.status !== 200) return;
  const paidAt = Date.now();
  // The applicant keeps looking until the deadline has passed and the sweeper (once a second) has had
  // its turns at it: 8 s, since on a busy machine a turn that asks billing first ("Cek Tagihan") can
  // take several seconds. Legacy's failure does not depend on it: it expires at the deadline itself.
  const last = await waitForStatus(
    t,
    who,
    booking.id,
    ['PAID', 'EXPIRED'],
    issuedAt + data.windowMs + 8000 - Date.now(),
    250,
  );
  const honoured = last?.status === 'PAID';
  if (honoured) paidToPaid.add(Date.now() - paidAt);
  paidNotPaid.add(honoured ? 0 : 1);
  paidExpired.add(last?.status === 'EXPIRED' ? 1 : 0);
  check(last, { 'a paid booking ends PAID, whatever happened to its notice': () => honoured });
}

export async function teardown(): Promise<void> {
  await clearFaults(t);
}
