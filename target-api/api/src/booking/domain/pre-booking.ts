// The checks a booking passes before it may take a seat, pure: the date, the passport's validity for
// the applicant's age, and the slot as last read (released at all, a seat left at all).
import { daysBetween } from '../../calendar/dates.ts';
import { allowedValidity, type ValidityYears } from './fees.ts';

export type PreBookingRefusal = 'date-in-past' | 'validity-not-allowed' | 'slot-not-released' | 'slot-full';

export type PreBookingCheck = { ok: true } | { ok: false; reason: PreBookingRefusal };

export function checkBeforeBooking(input: {
  /** The office's date now, and the requested one ('YYYY-MM-DD'). */
  today: string;
  date: string;
  ageYears: number;
  married: boolean;
  validityYears: ValidityYears;
  /** The slot's level as read; null when no such slot was released. */
  slot: { capacity: number; taken: number } | null;
}): PreBookingCheck {
  if (daysBetween(input.today, input.date) < 0) return { ok: false, reason: 'date-in-past' };
  if (!allowedValidity(input.ageYears, input.married).includes(input.validityYears)) {
    return { ok: false, reason: 'validity-not-allowed' };
  }
  if (input.slot === null) return { ok: false, reason: 'slot-not-released' };
  // A full slot in the read is a correct "no" as of that read; a free seat is only a hint (the seat is
  // taken, or not, by the write).
  if (input.slot.taken >= input.slot.capacity) return { ok: false, reason: 'slot-full' };
  return { ok: true };
}
