// quota-race: how a booking takes its seat. Legacy reads the quota, does other work, then writes
// blindly, so every request in flight meanwhile sees the same last seat; the fix takes the seat with a
// conditional update in the booking's own transaction.

import { isRefusal, quotaExhausted } from '../booking/refusals.ts';
import { giveSeatBack, takeSeatAtomically, takeSeatBlindly } from '../booking/seat-store.ts';
import { countPaidBookings } from '../booking/store.ts';
import type { AppContext } from '../context.ts';
import { sleep } from '../storage/database.ts';
import type { Queryable } from '../storage/index.ts';
import type { Defect } from './ids.ts';

export interface SeatHold {
  seat: string;
  officeId: string;
  applicantId: string;
  /** Writes the booking row (and its key) in the transaction that takes the seat. */
  writeBooking: (tx: Queryable) => Promise<void>;
}

export interface SeatTaking {
  /** Takes the seat and writes the booking as one step, or throws (quota-exhausted, a unique violation). */
  takeSeat(ctx: AppContext, hold: SeatHold): Promise<void>;
}

/**
 * The legacy flow's "other work" between reading the quota and writing the booking: it looks up the
 * applicant's past passports and waits on the document store (modelled as LEGACY_DOCUMENT_CHECK_MS).
 */
async function checkDocumentsLegacy(ctx: AppContext, applicantId: string): Promise<void> {
  await countPaidBookings(ctx.db, applicantId);
  if (ctx.config.legacyDocumentCheckMs > 0) await sleep(ctx.config.legacyDocumentCheckMs);
}

export const quotaRace: Defect<SeatTaking> = {
  id: 'quota-race',
  gloss:
    'legacy reads the quota, awaits other work, then writes; the fix takes the seat in one conditional update',
  legacy: {
    async takeSeat(ctx, hold) {
      // Every request in flight since the read saw the same last seat: the slot is oversold.
      await checkDocumentsLegacy(ctx, hold.applicantId);
      await takeSeatBlindly(ctx.db, hold.seat);
      try {
        await ctx.db.transaction(hold.writeBooking);
      } catch (error) {
        await giveSeatBack(ctx.db, hold.seat);
        throw error;
      }
    },
  },
  fix: {
    async takeSeat(ctx, hold) {
      // The conditional update takes the seat only while one is free, in the same transaction as the
      // booking row; if the row cannot be written (NIK guard, idempotency race) the seat is not taken.
      // When the flow learns that a slot is full (the last seat taken, or none left), it forgets the
      // office's cached calendar: the next look shows the slot red instead of sending more users at it.
      let seatsLeft: number | null = null;
      try {
        // Everyone in a rush wants the same slot, so its row is the hot lock: it is taken last, just
        // before COMMIT, and held for one round trip instead of three. If no seat is left, the rollback
        // takes the booking row back with it.
        await ctx.db.transaction(async (tx) => {
          await hold.writeBooking(tx);
          seatsLeft = await takeSeatAtomically(tx, hold.seat);
          if (seatsLeft === null) throw quotaExhausted();
        });
      } catch (error) {
        if (isRefusal(error, 'quota-exhausted')) ctx.availability.forgetOffice(hold.officeId);
        throw error;
      }
      if (seatsLeft === 0) ctx.availability.forgetOffice(hold.officeId);
    },
  },
};
