// Payment notices from the billing system. The signature is always checked (plugin.ts); how a notice
// is stored and matched is paid-but-expired's defect and fix (defects/paid-but-expired.ts).
import { createHash } from 'node:crypto';
import type { PaymentNotice } from '../../../shared/notices.ts';
import { findBookingByCode } from '../booking/store.ts';
import type { AppContext } from '../context.ts';
import { problems } from '../problem.ts';
import { trustedPaidAt } from './domain/paid-at.ts';
import { findRefundsDue, setRefundStatus } from './store.ts';

/**
 * A notice as received: its body's hash (a replay must match it) and its instants parsed. `paidAt` is
 * what the booking records (trusted, see domain/paid-at.ts); `sentPaidAt` is the bank's claim, kept for audit.
 */
export interface ReceivedNotice {
  notice: PaymentNotice;
  bodyHash: string;
  paidAt: Date;
  sentPaidAt: Date;
  receivedAt: Date;
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
  const sentPaidAt = new Date(notice.paidAt);
  if (Number.isNaN(sentPaidAt.getTime())) throw problems.validation('paidAt is not an ISO-8601 instant');
  const receivedAt = new Date(ctx.clock.now());
  // Read outside the notice's transaction: the issue instant of a code never changes once set.
  const issuedAt = (await findBookingByCode(ctx.db, notice.billingCode))?.code_issued_at ?? null;
  const trusted = trustedPaidAt(sentPaidAt.getTime(), receivedAt.getTime(), issuedAt?.getTime() ?? null);
  if (!trusted.ok) {
    // 422, not 2xx: the bank's delivery retries and then gives up, and the booking stays unpaid until
    // the re-sync ("Cek Tagihan") asks billing, which answers its own record of the payment.
    throw problems.unprocessable('notice-paid-at', 'Implausible payment time', trusted.detail);
  }
  return ctx.variants.paidButExpired.acceptNotice(ctx, {
    notice,
    bodyHash: createHash('sha256').update(rawBody).digest('hex'),
    paidAt: trusted.paidAt,
    sentPaidAt,
    receivedAt,
  });
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
  await setRefundStatus(ctx.db, bookingId, 'REFUNDED');
  return true;
}

/** Retries refunds that billing could not take when the notice came in. */
export async function refundPending(ctx: AppContext, batch = 50): Promise<number> {
  let refunded = 0;
  for (const row of await findRefundsDue(ctx.db, batch)) {
    if (await refundPayment(ctx, row.id, row.billing_code)) refunded++;
  }
  return refunded;
}
