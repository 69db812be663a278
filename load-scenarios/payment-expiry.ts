// payment-expiry: the June 2024 "paid but kadaluarsa" incident. On an accelerated clock (the stack's
// CLOCK_SPEED), applicants pay early, just before the 2-hour deadline, after it, or never, while the
// bank's notices arrive late, twice, and out of order. A correct service never expires a booking whose
// bill was paid, counts each notice once, and settles a late payment explicitly (honoured or refunded).
import { check } from 'k6';
import exec from 'k6/execution';
import type { Options } from 'k6/options';
import { knob, seconds, target } from './lib/env.ts';
import { json, pause, request } from './lib/http.ts';
import {
  type Applicant,
  book,
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
} from './lib/journey.ts';
import { endState } from './lib/metrics.ts';
import { availability, bookingLatency, merge, summaryTrendStats } from './lib/slo.ts';

const t = target();
const rate = knob('RATE', 2, 4);
const durationS = knob('DURATION_S', 120, 8);
/** Real-time delay of every bank notice, as a share of the (accelerated) payment window. */
const noticeDelayShare = knob('NOTICE_DELAY_SHARE', 0.3);
const duplicateRate = knob('NOTICE_DUPLICATE_RATE', 0.3);
/** Upper bound of one applicant's story in real seconds (the window at the slowest clock used). */
const storyS = knob('STORY_S', 180, 25);

/** When each kind of applicant pays, as a share of the payment window; null = never. */
const PAY_AT: readonly (number | null)[] = [0.3, 0.9, 1.15, null];

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
    // Each applicant's booking ends where a correct service leaves it.
    end_state_correct: ['rate==1'],
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
  const [slot] = await releaseQuota(t, office.id, dateAhead(60), seeded.length * 2);
  if (!slot) throw new Error('the release opened no slot');
  const speed = await clockSpeed(t);
  const windowMs = (2 * 3600 * 1000) / speed;
  if (windowMs > storyS * 500) {
    throw new Error(
      `the payment window lasts ${windowMs} ms of real time at clock speed ${speed}; run the target with a faster CLOCK_SPEED`,
    );
  }
  await setBillingFaults(t, {
    notices: { delayMs: Math.round(windowMs * noticeDelayShare), duplicateRate, reorder: true },
  });
  return { slot, applicants: seeded, windowMs };
}

export async function bookAndPay(data: Data): Promise<void> {
  const n = exec.scenario.iterationInTest;
  const who = data.applicants[n % data.applicants.length];
  if (!who) return;
  const bookedAt = Date.now();
  const attempt = await book(t, who, data.slot, { idempotencyKey: `expiry-${who.applicantId}` });
  if (!attempt.booking) return;
  const booking = await waitForCode(t, who, attempt.booking, bookedAt, 10_000, 200);
  if (!booking.billingCode) return;

  // The deadline as the user sees it on screen, in real time.
  const issuedAt = Date.now();
  const payAt = PAY_AT[n % PAY_AT.length] ?? null;
  // A notice needs its delay plus a retry or two; expiry needs the window plus a sweep.
  const noticeMs = data.windowMs * noticeDelayShare * 2 + 3000;
  if (payAt === null) {
    const last = await waitForStatus(t, who, booking.id, ['EXPIRED'], data.windowMs + 5000);
    const expired = last?.status === 'EXPIRED';
    endState.add(expired, { check: 'unpaid expires' });
    check(last, { 'an unpaid booking expires after the window': () => expired });
    return;
  }
  await pause(issuedAt + data.windowMs * payAt - Date.now());
  const paid = await pay(t, booking.billingCode, payAt < 1 ? 'TELLER' : 'INDOMARET');
  if (paid.status !== 200) {
    // The bank refused a payment after the deadline: nothing was paid, so the booking may expire.
    endState.add(payAt > 1, { check: 'bank refuses only late payments' });
    return;
  }
  const last = await waitForStatus(t, who, booking.id, ['PAID'], noticeMs);
  if (payAt < 1) {
    const honoured = last?.status === 'PAID';
    endState.add(honoured, { check: 'paid in time ends PAID' });
    check(last, { 'a payment made in time ends PAID, whatever the notice does': () => honoured });
    return;
  }
  // Paid after the deadline: either honoured (PAID) or expired with the money refunded.
  const bill = await request('bank', 'bill', 'GET', `${t.billingUrl}/v1/bills/${booking.billingCode}`);
  const billStatus = json<{ status?: string }>(bill)?.status;
  const settled = last?.status === 'PAID' || billStatus === 'REFUNDED';
  endState.add(settled, { check: 'late payment settled' });
  check(last, { 'a late payment is honoured or refunded': () => settled });
}

export async function teardown(): Promise<void> {
  await clearFaults(t);
}
