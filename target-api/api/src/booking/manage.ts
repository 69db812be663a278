// Managing a booking after it is held: reading it, cancelling before payment, rescheduling once until
// H-1, the signed QR proof, and the office counter's attendance record.
import { createHmac } from 'node:crypto';
import { slotId } from '../calendar/slots.ts';
import type { AppContext } from '../context.ts';
import { findOffice } from '../offices/domain/catalogue.ts';
import { localDate } from '../offices/domain/time-zones.ts';
import { problems } from '../problem.ts';
import { type AttendanceOutcome, checkAttendance, checkReschedule } from './domain/rules.ts';
import { canTransition, transition } from './domain/states.ts';
import { quotaExhausted } from './refusals.ts';
import { giveSeatBack, slotExists, takeSeatAtomically } from './seat-store.ts';
import {
  type BookingView,
  closeBooking,
  findBooking,
  listAccountBookings,
  moveToSlot,
  setStatus,
  toView,
} from './store.ts';

export async function getOwnBooking(
  ctx: AppContext,
  accountId: string,
  bookingId: string,
): Promise<BookingView> {
  const row = await findBooking(ctx.db, bookingId);
  // Someone else's booking answers exactly like a missing one: ids are not a way to probe accounts.
  if (!row || row.account_id !== accountId) throw problems.notFound(`booking ${bookingId}`);
  return toView(row);
}

export async function listOwnBookings(ctx: AppContext, accountId: string): Promise<BookingView[]> {
  return (await listAccountBookings(ctx.db, accountId)).map(toView);
}

export async function cancelBooking(
  ctx: AppContext,
  accountId: string,
  bookingId: string,
): Promise<BookingView> {
  await getOwnBooking(ctx, accountId, bookingId);
  const closed = await ctx.db.transaction((tx) => closeBooking(tx, bookingId, 'cancel', ctx.clock.now()));
  const after = await getOwnBooking(ctx, accountId, bookingId);
  if (!closed) {
    throw problems.conflict(
      'not-cancellable',
      'Not cancellable',
      `a ${after.status} booking cannot be cancelled`,
    );
  }
  return after;
}

const RESCHEDULE_REASONS = {
  'already-rescheduled': 'a booking can be rescheduled only once',
  'too-late': 'rescheduling closes the day before the appointment (H-1)',
  'date-in-past': 'the new date must be tomorrow or later',
  'same-slot': 'the new slot is the current one',
} as const;

export async function rescheduleBooking(
  ctx: AppContext,
  accountId: string,
  bookingId: string,
  target: { date: string; session: string },
): Promise<BookingView> {
  await ctx.db.transaction(async (tx) => {
    const row = await findBooking(tx, bookingId, true);
    if (!row || row.account_id !== accountId) throw problems.notFound(`booking ${bookingId}`);
    if (row.status !== 'PAID') {
      throw problems.conflict(
        'not-reschedulable',
        'Not reschedulable',
        `only a PAID booking can be rescheduled, this one is ${row.status}`,
      );
    }
    const office = findOffice(row.office_id);
    if (!office) throw problems.notFound(`office ${row.office_id}`);
    const check = checkReschedule({
      rescheduled: row.rescheduled,
      currentDate: row.date,
      newDate: target.date,
      sameSession: target.session === row.session,
      today: localDate(ctx.clock.now(), office.timeZone),
    });
    if (!check.ok) {
      throw problems.conflict(
        `reschedule-${check.reason}`,
        'Reschedule refused',
        RESCHEDULE_REASONS[check.reason],
      );
    }
    const newSeat = slotId(row.office_id, target.date, target.session, row.category);
    if (!(await slotExists(tx, newSeat)))
      throw problems.notFound(`released slot ${target.date} ${target.session}`);
    if ((await takeSeatAtomically(tx, newSeat)) === null) throw quotaExhausted();
    await giveSeatBack(tx, row.slot_id);
    await moveToSlot(tx, bookingId, newSeat);
  });
  return getOwnBooking(ctx, accountId, bookingId);
}

/** The QR proof: a payload the office scanner reads and an HMAC over it, so it cannot be forged. */
export async function bookingProof(
  ctx: AppContext,
  accountId: string,
  bookingId: string,
): Promise<{ payload: string; signature: string }> {
  const booking = await getOwnBooking(ctx, accountId, bookingId);
  if (booking.status !== 'PAID' && booking.status !== 'ATTENDED') {
    throw problems.conflict(
      'not-paid',
      'Not paid',
      `a proof exists only for a PAID booking; this one is ${booking.status}`,
    );
  }
  const payload = Buffer.from(
    JSON.stringify({
      v: 1,
      bookingId: booking.id,
      officeId: booking.slot.officeId,
      date: booking.slot.date,
      session: booking.slot.session,
      category: booking.slot.category,
      billingCode: booking.billingCode,
      paidAt: booking.paidAt,
    }),
  ).toString('base64url');
  const signature = createHmac('sha256', ctx.config.proofSecret).update(payload).digest('base64url');
  return { payload, signature };
}

const ATTENDANCE_REASONS = {
  'not-today': 'attendance is recorded on the appointment day itself',
  'day-not-over': 'a no-show is recorded once the appointment day is over',
} as const;

/**
 * The office counter's check-in: a PAID booking becomes ATTENDED on its day, or NO_SHOW (the fee is
 * forfeited) once the day has passed. The seat stays counted either way: the slot was used.
 */
export async function recordAttendance(
  ctx: AppContext,
  bookingId: string,
  outcome: AttendanceOutcome,
): Promise<BookingView> {
  await ctx.db.transaction(async (tx) => {
    const row = await findBooking(tx, bookingId, true);
    if (!row) throw problems.notFound(`booking ${bookingId}`);
    const event = outcome === 'ATTENDED' ? 'attend' : 'no-show';
    if (!canTransition(row.status, event)) {
      throw problems.conflict(
        'not-attendable',
        'Attendance not recordable',
        `attendance is recorded for a PAID booking; this one is ${row.status}`,
      );
    }
    const office = findOffice(row.office_id);
    if (!office) throw problems.notFound(`office ${row.office_id}`);
    const today = localDate(ctx.clock.now(), office.timeZone);
    const check = checkAttendance({ outcome, appointmentDate: row.date, today });
    if (!check.ok) {
      throw problems.conflict(
        `attendance-${check.reason}`,
        'Attendance not recordable',
        `${ATTENDANCE_REASONS[check.reason]} (appointment ${row.date}, today ${today} at ${office.name})`,
      );
    }
    await setStatus(tx, bookingId, transition(row.status, event));
  });
  const after = await findBooking(ctx.db, bookingId);
  if (!after) throw problems.notFound(`booking ${bookingId}`);
  return toView(after);
}
