// A bank that sends the same payment notice twice at once (the fault soak's notice duplication,
// bench/chaos.ts): the hardened API counts it once and acknowledges every copy, none with a 5xx. On
// `api-postgres` the copies run in concurrent transactions, the case that once answered 500; PGlite has
// one connection, so there they arrive one after another.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  admin,
  book,
  createHarness,
  type Harness,
  invariants,
  openSlot,
  payBill,
  seed,
  sendNotice,
} from './helper.ts';

const DATE = '2026-03-10';
const COPIES = 6;
let harness: Harness;
beforeAll(async () => {
  harness = await createHarness();
});
afterAll(async () => {
  await harness?.close();
});

describe('copies of one payment notice arriving together', () => {
  it('counts the payment once and answers every copy 200, one paid and the rest duplicate', async () => {
    const { app, ctx } = await harness.app({ profile: 'hardened' });
    await openSlot(app, DATE, 5);
    const [who] = await seed(app, 1);
    if (!who) throw new Error('seed failed');
    // The simulator's own notice is dropped: the copies below are the only ones.
    await harness.billing.inject({
      method: 'PUT',
      url: '/admin/faults',
      headers: admin,
      payload: { notices: { dropRate: 1 } },
    });
    const booking = (await book(app, who, DATE)).json();
    expect((await payBill(harness, booking.billingCode)).statusCode).toBe(200);
    const notice = {
      noticeId: 'n-copies',
      billingCode: booking.billingCode,
      bookingId: booking.id,
      amount: booking.fee,
      // Paid now on the app's (manual) clock: a paidAt from another clock is refused as implausible (422).
      paidAt: new Date(ctx.clock.now()).toISOString(),
      channel: 'ATM',
    };
    const answers = await Promise.all(Array.from({ length: COPIES }, () => sendNotice(app, notice)));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(COPIES).fill(200));
    const outcomes = answers.map((a) => a.json().outcome).sort();
    expect(outcomes).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate', 'paid']);
    expect((await invariants(app))['notice-mismatch']).toBe(0);
  });
});
