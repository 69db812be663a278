// Payment notices from the billing system. The signature is always checked. paid-but-expired's defect
// and fix: legacy stores every notice as it comes (a repeat is counted again, a late one is lost on an
// expired booking); the fix stores each noticeId once, refuses a replay with a different body, and
// honours a late payment (retaking the seat) or marks it for refund explicitly.
import { createHash } from 'node:crypto';
import { canTransition } from '../booking/domain/states.ts';
import { findBookingByCode, takeSeatAtomically } from '../booking/store.ts';
import type { AppContext } from '../context.ts';
import { problems } from '../problem.ts';
import type { Queryable } from '../storage/index.ts';

export interface PaymentNotice {
  noticeId: string;
  billingCode: string;
  bookingId: string;
  amount: number;
  paidAt: string;
  channel: string;
}

export type NoticeOutcome =
  | 'paid'
  | 'already-paid'
  | 'late-honoured'
  | 'refund-required'
  | 'duplicate'
  | 'ignored';

/** Outcomes that count a payment against its booking (the invariant allows one per booking). */
export const COUNTED_OUTCOMES: readonly NoticeOutcome[] = ['paid', 'late-honoured'];

export async function acceptNotice(
  ctx: AppContext,
  rawBody: string,
  notice: PaymentNotice,
): Promise<NoticeOutcome> {
  const bodyHash = createHash('sha256').update(rawBody).digest('hex');
  const receivedAt = new Date(ctx.clock.now());
  const paidAt = new Date(notice.paidAt);
  if (Number.isNaN(paidAt.getTime())) throw problems.validation('paidAt is not an ISO-8601 instant');

  const store = (tx: Queryable, bookingId: string | null, outcome: NoticeOutcome, dedupe: boolean) =>
    tx.query(
      `INSERT INTO payment_notices (notice_id, dedupe_key, body_hash, billing_code, booking_id, amount, paid_at, channel, outcome, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        notice.noticeId,
        dedupe ? notice.noticeId : null,
        bodyHash,
        notice.billingCode,
        bookingId,
        notice.amount,
        paidAt,
        notice.channel,
        outcome,
        receivedAt,
      ],
    );

  if (ctx.defects.has('paid-but-expired')) {
    // Legacy: no dedupe, no late-payment handling.
    return ctx.db.transaction(async (tx) => {
      const booking = await findBookingByCode(tx, notice.billingCode, true);
      let outcome: NoticeOutcome = 'ignored';
      if (booking && (booking.status === 'WAITING_PAYMENT' || booking.status === 'PAID')) {
        await tx.query(`UPDATE bookings SET status = 'PAID', paid_at = $2 WHERE id = $1`, [
          booking.id,
          paidAt,
        ]);
        outcome = 'paid';
      }
      await store(tx, booking?.id ?? null, outcome, false);
      return outcome;
    });
  }

  const outcome = await ctx.db.transaction(async (tx) => {
    const seen = (
      await tx.query<{ body_hash: string }>(
        'SELECT body_hash FROM payment_notices WHERE dedupe_key = $1 FOR UPDATE',
        [notice.noticeId],
      )
    ).rows[0];
    if (seen) {
      if (seen.body_hash === bodyHash) return 'duplicate';
      throw problems.conflict(
        'notice-replayed',
        'Notice replayed',
        `notice ${notice.noticeId} was already received with a different body`,
      );
    }
    const booking = await findBookingByCode(tx, notice.billingCode, true);
    if (!booking || booking.id !== notice.bookingId) {
      throw problems.unprocessable(
        'notice-unmatched',
        'Notice matches no booking',
        'no booking carries this billing code and booking id',
      );
    }
    if (booking.fee !== notice.amount) {
      throw problems.unprocessable(
        'notice-amount-mismatch',
        'Amount mismatch',
        `the bill is Rp ${booking.fee}, the notice says ${notice.amount}`,
      );
    }
    let outcome: NoticeOutcome;
    if (canTransition(booking.status, 'paid')) {
      await tx.query(`UPDATE bookings SET status = 'PAID', paid_at = $2 WHERE id = $1`, [booking.id, paidAt]);
      outcome = 'paid';
    } else if (booking.status === 'PAID' || booking.status === 'ATTENDED' || booking.status === 'NO_SHOW') {
      // Already PAID through "Cek Tagihan" (no notice counted yet) or by an earlier notice.
      const counted = await tx.query(
        'SELECT 1 FROM payment_notices WHERE booking_id = $1 AND outcome = ANY($2::text[]) LIMIT 1',
        [booking.id, COUNTED_OUTCOMES],
      );
      outcome = counted.rows.length === 0 ? 'paid' : 'already-paid';
    } else if (
      canTransition(booking.status, 'late-payment-honoured') &&
      (await takeSeatAtomically(tx, booking.slot_id)) !== null
    ) {
      // Paid, but the notice came after the sweeper expired it: the seat was free again, so honour it.
      await tx.query(`UPDATE bookings SET status = 'PAID', paid_at = $2, closed_at = NULL WHERE id = $1`, [
        booking.id,
        paidAt,
      ]);
      outcome = 'late-honoured';
    } else {
      // Cancelled, or expired with the seat taken since: the money goes back, and the record says so.
      await tx.query(`UPDATE bookings SET refund_status = 'REQUIRED' WHERE id = $1`, [booking.id]);
      outcome = 'refund-required';
    }
    await store(tx, booking.id, outcome, true);
    return outcome;
  });
  if (outcome === 'refund-required') await refundPayment(ctx, notice.bookingId, notice.billingCode);
  return outcome;
}

/**
 * Asks billing to give the money back and records it; when billing cannot answer now the booking stays
 * refund_status = REQUIRED and the sweeper tries again (refundPending).
 */
export async function refundPayment(
  ctx: AppContext,
  bookingId: string,
  billingCode: string,
): Promise<boolean> {
  try {
    await ctx.billing.refundBill(billingCode);
  } catch {
    return false;
  }
  await ctx.db.query(`UPDATE bookings SET refund_status = 'REFUNDED' WHERE id = $1`, [bookingId]);
  return true;
}

/** Retries refunds that billing could not take when the notice came in. */
export async function refundPending(ctx: AppContext, batch = 50): Promise<number> {
  const due = await ctx.db.query<{ id: string; billing_code: string }>(
    `SELECT id, billing_code FROM bookings WHERE refund_status = 'REQUIRED' AND billing_code IS NOT NULL LIMIT $1`,
    [batch],
  );
  let refunded = 0;
  for (const row of due.rows) if (await refundPayment(ctx, row.id, row.billing_code)) refunded++;
  return refunded;
}
