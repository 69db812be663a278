// quota-race: how a booking takes its seat. Legacy reads the quota, does other work, then writes
// blindly, so every request in flight meanwhile sees the same last seat; the fix takes the seat with a
// conditional update in the statement that writes the booking.

import { isRefusal } from '../booking/refusals.ts';
import {
  giveSeatBack,
  holdSeatInOneStatement,
  type KeyToRemember,
  takeSeatBlindly,
} from '../booking/seat-store.ts';
import { countPaidBookings, type NewBooking, writeBooking } from '../booking/store.ts';
import type { AppContext } from '../context.ts';
import { sleep } from '../storage/database.ts';
import type { Defect } from './ids.ts';

export interface SeatHold {
  /** The row to write; its slotId is the seat taken. */
  booking: NewBooking;
  /** The Idempotency-Key to remember with it, if the request has one to honour. */
  remember: KeyToRemember | undefined;
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
      const { booking } = hold;
      await checkDocumentsLegacy(ctx, booking.applicantId);
      await takeSeatBlindly(ctx.db, booking.slotId);
      try {
        await ctx.db.transaction(async (tx) => {
          await ctx.variants.quotaHoarding.lockHolds(ctx, tx, booking.accountId);
          await writeBooking(tx, booking, hold.remember);
        });
      } catch (error) {
        await giveSeatBack(ctx.db, booking.slotId);
        throw error;
      }
    },
  },
  fix: {
    async takeSeat(ctx, hold) {
      // The conditional update takes the seat only while one is free, in the statement that writes the
      // booking row; if the row cannot be written (NIK guard, idempotency race, hold cap) the seat is not
      // taken. Everyone in a rush wants the same slot, so its row is the hot lock: one statement holds it
      // from the seat's update to the commit with no round trip to the client in between.
      // When the flow learns that a slot is full (the last seat taken, or none left), it tells the
      // calendar cache, so the next look shows the slot red instead of sending more users at it.
      let seatsLeft: number;
      try {
        seatsLeft = await holdSeatInOneStatement(
          ctx.db,
          hold.booking,
          hold.remember,
          ctx.variants.quotaHoarding.capInWrite(ctx),
        );
      } catch (error) {
        if (isRefusal(error, 'quota-exhausted')) ctx.availability.slotFull(hold.booking.slotId);
        throw error;
      }
      if (seatsLeft === 0) ctx.availability.slotFull(hold.booking.slotId);
    },
  },
};
