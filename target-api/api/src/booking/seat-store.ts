// SQL for the seats of a slot: taking one (atomically, with the booking in one statement, or legacy's
// blind way), giving one back.
import type { Queryable } from '../storage/index.ts';
import { ACTIVE } from './domain/states.ts';
import { holdLimitReached, quotaExhausted } from './refusals.ts';
import type { NewBooking } from './store.ts';

/**
 * The fix for quota-race: take one seat only if one is free, in one statement. Returns the seats left
 * after this one, or null when none was free.
 */
export async function takeSeatAtomically(db: Queryable, id: string): Promise<number | null> {
  const result = await db.query<{ left: number }>(
    'UPDATE slots SET taken = taken + 1 WHERE id = $1 AND taken < capacity RETURNING capacity - taken AS left',
    [id],
  );
  const row = result.rows[0];
  return row === undefined ? null : Number(row.left);
}

/** The first answer for an Idempotency-Key, remembered with the booking it made. */
export interface KeyToRemember {
  key: string;
  requestHash: string;
}

/**
 * The fix for quota-race, and the booking with it: hold_seat() (migrations/003_hold_seat.sql) writes the
 * booking row and its Idempotency-Key and takes a seat only if one is free, all in one statement. With
 * `maxHolds` it first locks the account and refuses past that many active bookings. Returns the seats
 * left; throws quota-exhausted or hold-limit-reached (nothing written), or the unique violation of a
 * second active booking for the NIK.
 */
export async function holdSeatInOneStatement(
  db: Queryable,
  booking: NewBooking,
  remember: KeyToRemember | undefined,
  maxHolds: number | undefined,
): Promise<number> {
  try {
    const result = await db.query<{ left: number }>(
      `SELECT hold_seat($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
         $20, $21::text[]) AS left`,
      [
        booking.id,
        booking.accountId,
        booking.applicantId,
        booking.nik,
        booking.nikGuard,
        booking.slotId,
        booking.fee,
        booking.passportType,
        booking.validityYears,
        booking.applicationType,
        booking.purpose,
        booking.createdAt,
        booking.issueBy,
        booking.nextAttemptAt,
        booking.outbox,
        booking.traceContext,
        remember !== undefined,
        remember?.key ?? null,
        remember?.requestHash ?? null,
        maxHolds ?? null,
        ACTIVE,
      ],
    );
    return Number(result.rows[0]?.left);
  } catch (error) {
    throw refusalOf(error, maxHolds) ?? error;
  }
}

/** hold_seat()'s raised refusals (SQLSTATE P0001, the slug as message) as the API's problems. */
function refusalOf(error: unknown, maxHolds: number | undefined): Error | undefined {
  const e = error as { code?: string; message?: string };
  if (e?.code !== 'P0001') return undefined;
  if (e.message === 'quota-exhausted') return quotaExhausted();
  if (e.message === 'hold-limit-reached' && maxHolds !== undefined) return holdLimitReached(maxHolds);
  return undefined;
}

/** quota-race's legacy write: one more seat taken, whatever the capacity. */
export async function takeSeatBlindly(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE slots SET taken = taken + 1 WHERE id = $1', [id]);
}

export async function giveSeatBack(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE slots SET taken = taken - 1 WHERE id = $1', [id]);
}

export async function slotExists(db: Queryable, id: string): Promise<boolean> {
  return (await db.query('SELECT 1 FROM slots WHERE id = $1', [id])).rows.length > 0;
}
