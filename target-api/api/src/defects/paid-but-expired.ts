// paid-but-expired: what a payment notice and the expiry sweeper do with a late or repeated payment.
// Legacy expires at the deadline without asking billing and stores every notice as it comes (a repeat
// is counted again, a late one is lost on an expired booking); the fix re-syncs the bill first ("Cek
// Tagihan"), stores each noticeId once, and honours a late payment (retaking the seat) or refunds it.
import { canTransition } from '../booking/domain/states.ts';
import { takeSeatAtomically } from '../booking/seat-store.ts';
import { findBookingByCode } from '../booking/store.ts';
import type { AppContext } from '../context.ts';
import { matchNoticeToBooking } from '../payments/notice-match.ts';
import {
  COUNTED_OUTCOMES,
  type NoticeOutcome,
  type ReceivedNotice,
  refundPayment,
  refundPending,
} from '../payments/notices.ts';
import {
  type BillOfBooking,
  findSeenNotice,
  hasCountedNotice,
  markPaid,
  markPaidAfterExpiry,
  markPaidIfWaiting,
  setRefundStatus,
  storeNotice,
} from '../payments/store.ts';
import { problems } from '../problem.ts';
import type { Queryable } from '../storage/index.ts';
import type { Defect } from './ids.ts';

/** What the sweeper does with a booking whose payment window lapsed. */
export type ExpiryVerdict = 'expire' | 'paid-on-resync' | 'skipped' | 'kept';

export interface PaymentReconciliation {
  acceptNotice(ctx: AppContext, received: ReceivedNotice): Promise<NoticeOutcome>;
  beforeExpiry(ctx: AppContext, booking: BillOfBooking, nowMs: number): Promise<ExpiryVerdict>;
  /** At the end of a sweep: refunds billing could not take earlier. Returns how many went through. */
  retryRefunds(ctx: AppContext): Promise<number>;
}

const record = (
  tx: Queryable,
  { notice, bodyHash, sentPaidAt, receivedAt }: ReceivedNotice,
  bookingId: string | null,
  outcome: NoticeOutcome,
  dedupe: boolean,
  // The notice row keeps the bank's own paidAt for audit; the booking records the trusted one.
) => storeNotice(tx, { ...notice, bookingId, paidAt: sentPaidAt, bodyHash, receivedAt, outcome, dedupe });

/** True when this notice was stored already with the same body; the same id with another body is refused. */
async function seenBefore(tx: Queryable, { notice, bodyHash }: ReceivedNotice): Promise<boolean> {
  const seenHash = await findSeenNotice(tx, notice.noticeId);
  if (seenHash === undefined) return false;
  if (seenHash === bodyHash) return true;
  throw problems.conflict(
    'notice-replayed',
    'Notice replayed',
    `notice ${notice.noticeId} was already received with a different body`,
  );
}

async function acceptOnce(ctx: AppContext, received: ReceivedNotice): Promise<NoticeOutcome> {
  const { notice, paidAt } = received;
  const outcome = await ctx.db.transaction(async (tx): Promise<NoticeOutcome> => {
    if (await seenBefore(tx, received)) return 'duplicate';
    const booking = await matchNoticeToBooking(tx, notice, 'the notice');
    // A copy that came at the same moment found nothing above either and waited here for the booking's
    // lock; once it has it, the first copy is stored (PostgreSQL reads committed rows per statement).
    if (await seenBefore(tx, received)) return 'duplicate';
    let outcome: NoticeOutcome;
    if (canTransition(booking.status, 'paid')) {
      await markPaid(tx, booking.id, paidAt);
      outcome = 'paid';
    } else if (booking.status === 'PAID' || booking.status === 'ATTENDED' || booking.status === 'NO_SHOW') {
      // Already PAID through "Cek Tagihan" (no notice counted yet) or by an earlier notice.
      outcome = (await hasCountedNotice(tx, booking.id, COUNTED_OUTCOMES)) ? 'already-paid' : 'paid';
    } else if (
      canTransition(booking.status, 'late-payment-honoured') &&
      (await takeSeatAtomically(tx, booking.slot_id)) !== null
    ) {
      // Paid, but the notice came after the sweeper expired it: the seat was free again, so honour it.
      await markPaidAfterExpiry(tx, booking.id, paidAt);
      outcome = 'late-honoured';
    } else {
      // Cancelled, or expired with the seat taken since: the money goes back, and the record says so.
      await setRefundStatus(tx, booking.id, 'REQUIRED');
      outcome = 'refund-required';
    }
    await record(tx, received, booking.id, outcome, true);
    return outcome;
  });
  if (outcome === 'refund-required') await refundPayment(ctx, notice.bookingId, notice.billingCode);
  return outcome;
}

export const paidButExpired: Defect<PaymentReconciliation> = {
  id: 'paid-but-expired',
  gloss:
    'legacy expires without asking billing and counts every notice; the fix re-syncs first, dedupes, honours or refunds late payments',
  legacy: {
    acceptNotice: (ctx, received) =>
      // No dedupe, no late-payment handling.
      ctx.db.transaction(async (tx) => {
        const booking = await findBookingByCode(tx, received.notice.billingCode, true);
        let outcome: NoticeOutcome = 'ignored';
        if (booking && (booking.status === 'WAITING_PAYMENT' || booking.status === 'PAID')) {
          await markPaid(tx, booking.id, received.paidAt);
          outcome = 'paid';
        }
        await record(tx, received, booking?.id ?? null, outcome, false);
        return outcome;
      }),
    beforeExpiry: async () => 'expire',
    retryRefunds: async () => 0,
  },
  fix: {
    acceptNotice: acceptOnce,
    async beforeExpiry(ctx, booking, nowMs) {
      let bill: Awaited<ReturnType<typeof ctx.billing.checkBill>>;
      try {
        bill = await ctx.billing.checkBill(booking.billing_code);
      } catch {
        // Billing cannot say: expiring now could expire a paid booking, so try again next sweep.
        return 'skipped';
      }
      if (bill.status !== 'PAID') return 'expire';
      const paidAt = bill.paidAt ? new Date(bill.paidAt) : new Date(nowMs);
      return (await markPaidIfWaiting(ctx.db, booking.id, paidAt)) ? 'paid-on-resync' : 'kept';
    },
    retryRefunds: (ctx) => refundPending(ctx),
  },
};
