// The expiry sweeper: WAITING_PAYMENT bookings past payBy become EXPIRED ("kadaluarsa") and give their
// seat back. paid-but-expired's defect and fix: legacy expires at the deadline without asking billing;
// the fix first re-syncs the bill ("Cek Tagihan") and keeps a booking whose bill was paid.

import { withSpan } from '../../../telemetry/index.ts';
import { closeBooking } from '../booking/store.ts';
import type { AppContext } from '../context.ts';
import { refundPending } from './notices.ts';

export interface SweepResult {
  expired: number;
  paidOnResync: number;
  skipped: number;
  /** Refunds billing could not take earlier, given back now (hardened). */
  refunded: number;
}

export function expireUnpaid(ctx: AppContext, batch = 200): Promise<SweepResult> {
  return withSpan('booking.expire_unpaid', {}, async () => {
    const result = await sweep(ctx, batch);
    if (result.expired > 0) ctx.metrics.bookingsExpired(result.expired);
    return result;
  });
}

async function sweep(ctx: AppContext, batch: number): Promise<SweepResult> {
  const result: SweepResult = { expired: 0, paidOnResync: 0, skipped: 0, refunded: 0 };
  const nowMs = ctx.clock.now();
  const due = await ctx.db.query<{ id: string; billing_code: string }>(
    `SELECT id, billing_code FROM bookings WHERE status = 'WAITING_PAYMENT' AND pay_by < $1 ORDER BY pay_by LIMIT $2`,
    [new Date(nowMs), batch],
  );
  for (const row of due.rows) {
    if (!ctx.defects.has('paid-but-expired')) {
      let bill: Awaited<ReturnType<typeof ctx.billing.checkBill>>;
      try {
        bill = await ctx.billing.checkBill(row.billing_code);
      } catch {
        // Billing cannot say: expiring now could expire a paid booking, so try again next sweep.
        result.skipped++;
        continue;
      }
      if (bill.status === 'PAID') {
        const paidAt = bill.paidAt ? new Date(bill.paidAt) : new Date(nowMs);
        const updated = await ctx.db.query(
          `UPDATE bookings SET status = 'PAID', paid_at = $2 WHERE id = $1 AND status = 'WAITING_PAYMENT' RETURNING id`,
          [row.id, paidAt],
        );
        if (updated.rows.length === 1) result.paidOnResync++;
        continue;
      }
    }
    const expired = await ctx.db.transaction((tx) =>
      closeBooking(tx, row.id, 'payment-window-lapsed', nowMs),
    );
    if (expired) result.expired++;
  }
  if (!ctx.defects.has('paid-but-expired')) result.refunded = await refundPending(ctx);
  return result;
}
