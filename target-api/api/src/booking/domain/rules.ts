// Time rules of a booking, pure: the 2-hour payment window, the issuance deadline, H-1 reschedule.

import { daysBetween } from '../../calendar/dates.ts';

const MINUTE = 60_000;

/** payBy = the moment the code was issued + the payment window (2 h by default). */
export function paymentDeadline(codeIssuedAtMs: number, windowMinutes: number): number {
  return codeIssuedAtMs + windowMinutes * MINUTE;
}

export function isPaymentWindowLapsed(payByMs: number, nowMs: number): boolean {
  return nowMs > payByMs;
}

/**
 * Reschedule is allowed once, at the latest the day before the appointment (H-1), to a date that is
 * itself at least tomorrow. Dates are office-local 'YYYY-MM-DD'; `today` is the office's date now.
 */
export type RescheduleCheck =
  | { ok: true }
  | { ok: false; reason: 'already-rescheduled' | 'too-late' | 'date-in-past' | 'same-slot' };

export function checkReschedule(input: {
  rescheduled: boolean;
  currentDate: string;
  newDate: string;
  sameSession: boolean;
  today: string;
}): RescheduleCheck {
  if (input.rescheduled) return { ok: false, reason: 'already-rescheduled' };
  if (daysBetween(input.today, input.currentDate) < 1) return { ok: false, reason: 'too-late' };
  if (daysBetween(input.today, input.newDate) < 1) return { ok: false, reason: 'date-in-past' };
  if (input.newDate === input.currentDate && input.sameSession) return { ok: false, reason: 'same-slot' };
  return { ok: true };
}

/**
 * The office counter records attendance of a PAID booking: ATTENDED on the appointment's own day (the
 * applicant is at the counter), NO_SHOW once that day has passed without them. Office-local dates.
 */
export type AttendanceOutcome = 'ATTENDED' | 'NO_SHOW';
export type AttendanceCheck = { ok: true } | { ok: false; reason: 'not-today' | 'day-not-over' };

export function checkAttendance(input: {
  outcome: AttendanceOutcome;
  appointmentDate: string;
  today: string;
}): AttendanceCheck {
  const daysSince = daysBetween(input.appointmentDate, input.today);
  if (input.outcome === 'ATTENDED')
    return daysSince === 0 ? { ok: true } : { ok: false, reason: 'not-today' };
  return daysSince >= 1 ? { ok: true } : { ok: false, reason: 'day-not-over' };
}
