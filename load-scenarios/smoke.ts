// smoke: one user walks the whole journey once (register, activate, log in, add an applicant, look at
// the calendar, book, wait for the billing code, pay, see PAID, fetch the QR proof). Every check must pass.
import { check } from 'k6';
import type { Options } from 'k6/options';
import { target } from './lib/env.ts';
import { json, request } from './lib/http.ts';
import {
  availability,
  book,
  clearFaults,
  dateAhead,
  pay,
  pickOffice,
  registerUser,
  releaseQuota,
  type Slot,
  waitForCode,
  waitForStatus,
} from './lib/journey.ts';
import {
  allChecks,
  availability as availabilitySlo,
  bookingLatency,
  merge,
  paymentCode,
  SLO_TARGETS,
  summaryTrendStats,
} from './lib/slo.ts';

const t = target();

export const options: Options = {
  summaryTrendStats,
  scenarios: {
    journey: { executor: 'shared-iterations', vus: 1, iterations: 1, maxDuration: '2m' },
  },
  thresholds: merge(allChecks, availabilitySlo, bookingLatency, paymentCode),
};

export async function setup(): Promise<{ slot: Slot }> {
  const office = await pickOffice(t);
  const [slot] = await releaseQuota(t, office.id, dateAhead(45), 5);
  if (!slot) throw new Error('the release opened no slot');
  return { slot };
}

export default async function journey(data: { slot: Slot }): Promise<void> {
  const user = await registerUser(t, `${Date.now()}-${Math.floor(Math.random() * 1e6)}`);
  if (!user) return;

  const calendar = await availability(t, data.slot.officeId, data.slot.date, 1);
  check(calendar, {
    'the released date shows green': (c) => c.some((e) => e.status === 'green' && e.free > 0),
  });

  const bookedAt = Date.now();
  const attempt = await book(t, user, data.slot, { idempotencyKey: `smoke-${bookedAt}` });
  check(attempt, { 'the booking holds a seat': (a) => a.outcome === 'held' && a.booking !== null });
  if (!attempt.booking) return;

  const booking = await waitForCode(
    t,
    user,
    attempt.booking,
    bookedAt,
    SLO_TARGETS.paymentCodeSeconds * 1000,
  );
  check(booking, {
    'a 15-digit billing code appears': (b) => /^[789]\d{14}$/.test(b.billingCode ?? ''),
    'the booking waits for payment': (b) => b.status === 'WAITING_PAYMENT',
  });
  if (!booking.billingCode) return;

  await pay(t, booking.billingCode, 'MOBILE_BANKING');
  const paid = await waitForStatus(t, user, booking.id, ['PAID'], 20_000);
  check(paid, { 'the payment notice turns the booking PAID': (b) => b?.status === 'PAID' });

  const proof = await request(
    'api',
    'proof',
    'GET',
    `${t.apiUrl}/v1/bookings/${booking.id}/proof`,
    undefined,
    {
      token: user.token,
    },
  );
  const body = json<{ payload?: unknown; signature?: string }>(proof);
  check(proof, { 'the QR proof is signed': (r) => r.status === 200 && !!body?.payload && !!body.signature });
}

export async function teardown(): Promise<void> {
  await clearFaults(t);
}
