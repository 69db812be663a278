// The expiry sweeper: WAITING_PAYMENT bookings past payBy become EXPIRED ("kadaluarsa") and give their
// seat back. Whether billing is asked first ("Cek Tagihan") is paid-but-expired's defect and fix.

import { withSpan } from '../../../telemetry/index.ts';
import { closeBooking } from '../booking/store.ts';
import type { AppContext } from '../context.ts';
import { findLapsed } from './store.ts';

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
  const { paidButExpired } = ctx.variants;
  for (const row of await findLapsed(ctx.db, new Date(nowMs), batch)) {
    const verdict = await paidButExpired.beforeExpiry(ctx, row, nowMs);
    if (verdict === 'skipped') result.skipped++;
    if (verdict === 'paid-on-resync') result.paidOnResync++;
    if (verdict !== 'expire') continue;
    const expired = await ctx.db.transaction((tx) =>
      closeBooking(tx, row.id, 'payment-window-lapsed', nowMs),
    );
    if (expired) result.expired++;
  }
  result.refunded = await paidButExpired.retryRefunds(ctx);
  return result;
}
