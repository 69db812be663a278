// The issuance outbox (billing-fragile's fix): HELD bookings whose code was not issued inline are
// retried here with jittered backoff, and released (seat back) once the issuance deadline passes.
import { withTraceCarrier } from '../../../telemetry/index.ts';
import { recordBillingCode } from '../booking/issue-code.ts';
import { closeBooking } from '../booking/store.ts';
import type { AppContext } from '../context.ts';

export interface OutboxPass {
  issued: number;
  released: number;
  failed: number;
}

/** Real-time backoff before the next attempt: 250 ms doubling to 5 s, with full jitter in its upper half. */
export function backoffMs(attempts: number): number {
  const ceiling = Math.min(5_000, 250 * 2 ** attempts);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

export async function runOutboxPass(ctx: AppContext, batch = 20): Promise<OutboxPass> {
  const pass: OutboxPass = { issued: 0, released: 0, failed: 0 };
  const nowMs = ctx.clock.now();
  const due = await ctx.db.query<{
    id: string;
    fee: number;
    issue_by: Date;
    issue_attempts: number;
    next_attempt_at: Date;
    trace_context: string | null;
  }>(
    `SELECT id, fee, issue_by, issue_attempts, next_attempt_at, trace_context FROM bookings
     WHERE status = 'HELD' AND outbox AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $2`,
    [new Date(nowMs), batch],
  );
  await Promise.all(
    due.rows.map(async (row) => {
      if (new Date(row.issue_by).getTime() <= nowMs) {
        // The code could not be issued in time: RELEASED, the seat goes back to the pool.
        const released = await ctx.db.transaction((tx) => closeBooking(tx, row.id, 'issuance-failed', nowMs));
        if (released) pass.released++;
        return;
      }
      // Claim the attempt by moving next_attempt_at; a second worker (another replica) sees the change.
      const next = new Date(nowMs + backoffMs(row.issue_attempts) * ctx.clock.speed);
      const claimed = await ctx.db.query(
        `UPDATE bookings SET issue_attempts = issue_attempts + 1, next_attempt_at = $3
         WHERE id = $1 AND status = 'HELD' AND next_attempt_at = $2 RETURNING id`,
        [row.id, row.next_attempt_at, next],
      );
      if (claimed.rows.length === 0) return;
      try {
        const payBy = new Date(nowMs + ctx.config.paymentWindowMinutes * 60_000).toISOString();
        // In the booking's own trace: its code, its bill in the simulator and the notice back join it.
        await withTraceCarrier(row.trace_context, async () => {
          const bill = await ctx.billing.issueBill({ bookingId: row.id, amount: row.fee, payBy }, 'outbox');
          if (await recordBillingCode(ctx, row.id, bill.billingCode)) pass.issued++;
        });
      } catch {
        pass.failed++;
      }
    }),
  );
  return pass;
}
