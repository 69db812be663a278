// duplicate-submit: what stops one applicant from booking twice. Legacy ignores Idempotency-Key and
// lets a NIK hold any number of active bookings; the fix replays the first answer for a retried key and
// enforces one active booking per NIK (a unique index on nik_guard).
import { activeBookingExists } from '../booking/refusals.ts';
import type { Defect } from './ids.ts';

export interface DuplicateGuard {
  /** The Idempotency-Key the flow honours for this request; undefined when there is none to honour. */
  honouredKey(key: string | undefined): string | undefined;
  /** The bookings.nik_guard value: the unique index sees only non-null ones. */
  nikGuard(nik: string): string | null;
  /** The early refusal of a second active booking, from the NIK's active count before the write. */
  refuseSecondBooking(activeForNik: number, maxPerNik: number): void;
}

export const duplicateSubmit: Defect<DuplicateGuard> = {
  id: 'duplicate-submit',
  gloss:
    'legacy books a retried request twice; the fix honours Idempotency-Key and one active booking per NIK',
  legacy: {
    honouredKey: () => undefined,
    nikGuard: () => null,
    refuseSecondBooking: () => {},
  },
  fix: {
    honouredKey: (key) => key,
    nikGuard: (nik) => nik,
    refuseSecondBooking(activeForNik, maxPerNik) {
      if (activeForNik >= maxPerNik) throw activeBookingExists();
    },
  },
};
