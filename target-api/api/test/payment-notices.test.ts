// What the API trusts of a signed payment notice's paidAt (docs/DOMAIN.md, "The journey" (step 6, Pay)): a bank claiming a
// payment in 2099, or before the bill existed, is refused with a problem+json 422 and changes nothing;
// a plausible one is recorded, clamped to the moment of receipt, with the bank's own value kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  book,
  createHarness,
  type Harness,
  manualClock,
  openSlot,
  seed,
  sendNotice,
} from './helper.ts';

const DATE = '2026-03-10';
let harness: Harness;
beforeAll(async () => {
  harness = await createHarness();
});
afterAll(async () => {
  await harness?.close();
});

async function waitingBooking() {
  const clock = manualClock();
  const { app } = await harness.app({ profile: 'hardened', clock });
  await openSlot(app, DATE, 5);
  const [who] = await seed(app, 1);
  if (!who) throw new Error('seed failed');
  const booking = (await book(app, who, DATE)).json();
  expect(booking.status).toBe('WAITING_PAYMENT');
  const notice = (noticeId: string, paidAt: string) => ({
    noticeId,
    billingCode: booking.billingCode,
    bookingId: booking.id,
    amount: booking.fee,
    paidAt,
    channel: 'ATM',
  });
  const view = async () =>
    (
      await app.inject({ method: 'GET', url: `/v1/bookings/${booking.id}`, headers: bearer(who.token) })
    ).json();
  const stored = async () =>
    (
      await harness.db.query<{ paid_at: Date; received_at: Date; outcome: string }>(
        'SELECT paid_at, received_at, outcome FROM payment_notices WHERE booking_id = $1',
        [booking.id],
      )
    ).rows;
  return { app, clock, booking, notice, view, stored };
}

describe('payment notices: the paidAt the service trusts', () => {
  it('refuses a notice claiming payment in 2099 with 422 notice-paid-at, and records nothing', async () => {
    const { app, notice, view, stored } = await waitingBooking();
    const answer = await sendNotice(app, notice('n-2099', '2099-01-01T00:00:00.000Z'));
    expect(answer.statusCode).toBe(422);
    expect(answer.headers['content-type']).toContain('application/problem+json');
    expect(answer.json().type).toBe('https://paspor-lab.dev/problems/notice-paid-at');
    expect(answer.json().detail).toContain('2099-01-01T00:00:00.000Z');
    expect((await view()).status).toBe('WAITING_PAYMENT');
    expect(await stored()).toEqual([]);
  });

  it('refuses a notice claiming payment before the bill was issued', async () => {
    const { app, clock, notice, view, stored } = await waitingBooking();
    const before = new Date(clock.now() - 3600_000).toISOString();
    const answer = await sendNotice(app, notice('n-early', before));
    expect(answer.statusCode).toBe(422);
    expect(answer.json().detail).toContain("earlier than the bill's issue");
    expect((await view()).status).toBe('WAITING_PAYMENT');
    expect(await stored()).toEqual([]);
  });

  it('records a plausible paidAt as sent', async () => {
    const { app, clock, notice, view } = await waitingBooking();
    const paidAt = new Date(clock.now() + 60_000).toISOString();
    clock.advance(10 * 60_000);
    expect((await sendNotice(app, notice('n-ok', paidAt))).json().outcome).toBe('paid');
    expect(await view()).toMatchObject({ status: 'PAID', paidAt });
  });

  it('clamps a paidAt slightly after receipt to the receipt, keeping the sent value on the notice', async () => {
    const { app, clock, notice, view, stored } = await waitingBooking();
    const receivedAt = new Date(clock.now());
    const sent = new Date(clock.now() + 2 * 60_000);
    expect((await sendNotice(app, notice('n-skew', sent.toISOString()))).json().outcome).toBe('paid');
    expect(await view()).toMatchObject({ status: 'PAID', paidAt: receivedAt.toISOString() });
    const [row] = await stored();
    expect(new Date(row?.paid_at ?? 0).toISOString()).toBe(sent.toISOString());
    expect(new Date(row?.received_at ?? 0).toISOString()).toBe(receivedAt.toISOString());
  });

  it('applies the same rule on legacy: bad data from the bank is not a defect of one profile', async () => {
    const clock = manualClock();
    const { app } = await harness.app({ profile: 'legacy', clock });
    await openSlot(app, DATE, 5);
    const [who] = await seed(app, 1);
    if (!who) throw new Error('seed failed');
    const booking = (await book(app, who, DATE)).json();
    const answer = await sendNotice(app, {
      noticeId: 'n-legacy-2099',
      billingCode: booking.billingCode,
      bookingId: booking.id,
      amount: booking.fee,
      paidAt: '2099-01-01T00:00:00.000Z',
      channel: 'ATM',
    });
    expect(answer.statusCode).toBe(422);
  });
});
