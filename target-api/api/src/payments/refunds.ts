// Refund notices from the billing system: a PAID bill's money was given back by someone other than the
// API (an operator at billing). The booking follows by the API's own state machine: a PAID booking is
// cancelled and its seat goes back to the pool; any other keeps its state and records the refund. A
// repeated notice changes nothing, so billing's retries and duplicates are harmless.
import type { RefundNotice } from '../../../shared/notices.ts';
import { canTransition } from '../booking/domain/states.ts';
import { closeBooking } from '../booking/store.ts';
import type { AppContext } from '../context.ts';
import { matchNoticeToBooking } from './notice-match.ts';

export type RefundOutcome = 'refunded' | 'refund-recorded' | 'already-refunded';

export async function acceptRefundNotice(ctx: AppContext, notice: RefundNotice): Promise<RefundOutcome> {
  return ctx.db.transaction(async (tx) => {
    const booking = await matchNoticeToBooking(tx, notice, 'the refund notice');
    if (booking.refund_status === 'REFUNDED') return 'already-refunded';
    await tx.query(`UPDATE bookings SET refund_status = 'REFUNDED' WHERE id = $1`, [booking.id]);
    if (canTransition(booking.status, 'refunded')) {
      await closeBooking(tx, booking.id, 'refunded', ctx.clock.now());
      return 'refunded';
    }
    return 'refund-recorded';
  });
}
