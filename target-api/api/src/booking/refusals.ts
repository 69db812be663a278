// The booking flows' refusals as problems, named once: the flows and the defect catalogue throw these.
import { ProblemError, problems } from '../problem.ts';

export const quotaExhausted = () =>
  problems.conflict(
    'quota-exhausted',
    'Quota exhausted',
    'no seat is left in this slot; choose another date or session',
  );

export const activeBookingExists = () =>
  problems.conflict(
    'active-booking-exists',
    'Active booking exists',
    'this applicant already has an active booking',
  );

export const holdLimitReached = (maxActiveHoldsPerAccount: number) =>
  problems.conflict(
    'hold-limit-reached',
    'Hold limit reached',
    `an account may hold at most ${maxActiveHoldsPerAccount} active bookings at once`,
  );

/** quota-hoarding's fix: this account already has a new booking in flight. */
export const bookingInProgress = () =>
  problems.tooMany(
    'this account is already booking; wait for that answer, then book the next applicant (retry in 1 s)',
    1,
    'booking-in-progress',
  );

export const idempotencyKeyReused = () =>
  problems.unprocessable(
    'idempotency-key-reused',
    'Idempotency key reused',
    'this Idempotency-Key was first used with a different request body; use a new key for a new booking',
  );

export function isRefusal(error: unknown, slug: string): boolean {
  return error instanceof ProblemError && error.slug === slug;
}
