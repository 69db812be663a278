// Issuing the payment code (kode billing): during the booking request, and for the outbox worker.
// How the inline attempt behaves is billing-fragile's defect and fix (defects/billing-fragile.ts).
import type { AppContext } from '../context.ts';
import { problems } from '../problem.ts';
import { paymentDeadline } from './domain/rules.ts';
import {
  type BookingRecord,
  type BookingView,
  findBooking,
  markKeyAnsweredHeld,
  storeBillingCode,
  toView,
} from './store.ts';

export interface BookingOutcome {
  statusCode: 201 | 202;
  booking: BookingView;
  /** Seconds the client should wait before polling (202 only). */
  retryAfter?: number;
  /** The answer first given for this Idempotency-Key, given again (no new booking). */
  replayed?: true;
}

/** A HELD booking answers 202 with Retry-After (the code is on its way); any other 201. */
export function outcomeOf(view: BookingView): BookingOutcome {
  return view.status === 'HELD'
    ? { statusCode: 202, booking: view, retryAfter: 2 }
    : { statusCode: 201, booking: view };
}

/**
 * Stores an issued code: HELD -> WAITING_PAYMENT, payBy = issue time + the payment window. Returns the
 * booking as it now stands, or undefined when it was no longer HELD (the outbox or the sweeper moved it).
 */
export async function recordBillingCode(
  ctx: AppContext,
  bookingId: string,
  billingCode: string,
): Promise<BookingRecord | undefined> {
  const issuedAt = ctx.clock.now();
  const payBy = paymentDeadline(issuedAt, ctx.config.paymentWindowMinutes);
  const row = await storeBillingCode(ctx.db, bookingId, billingCode, new Date(issuedAt), new Date(payBy));
  // Booking-to-code time in real seconds (the clock may run sped up): the payment-code objective's measure.
  if (row)
    ctx.metrics.paymentCodeIssued((issuedAt - new Date(row.created_at).getTime()) / ctx.clock.speed / 1000);
  return row;
}

/** The code for a booking just held, within its request; a 202 is remembered for the Idempotency-Key. */
export async function issueCodeInline(
  ctx: AppContext,
  bookingId: string,
  fee: number,
  idempotency: { accountId: string; key: string } | undefined,
): Promise<BookingOutcome> {
  const payBy = new Date(paymentDeadline(ctx.clock.now(), ctx.config.paymentWindowMinutes)).toISOString();
  const recorded = await ctx.variants.billingFragile.issueInline(async (mode) => {
    const bill = await ctx.billing.issueBill({ bookingId, amount: fee, payBy }, mode);
    return recordBillingCode(ctx, bookingId, bill.billingCode);
  });
  const row = recorded ?? (await findBooking(ctx.db, bookingId));
  if (!row) throw problems.notFound(`booking ${bookingId}`);
  const outcome = outcomeOf(toView(row));
  if (outcome.statusCode === 202 && idempotency) {
    await markKeyAnsweredHeld(ctx.db, idempotency.accountId, idempotency.key);
  }
  return outcome;
}
