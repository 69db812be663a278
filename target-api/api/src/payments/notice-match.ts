// The bank's notices (payments and refunds) name a billing code, a booking id and an amount: the one
// check that they name one booking, locked for the caller's transaction, and its fee.
import { type BookingRecord, findBookingByCode } from '../booking/store.ts';
import { problems } from '../problem.ts';
import type { Queryable } from '../storage/index.ts';

export async function matchNoticeToBooking(
  tx: Queryable,
  notice: { billingCode: string; bookingId: string; amount: number },
  what: string,
): Promise<BookingRecord> {
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
      `the bill is Rp ${booking.fee}, ${what} says ${notice.amount}`,
    );
  }
  return booking;
}
