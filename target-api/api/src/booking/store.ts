// SQL for bookings and slots: reading a booking with its slot, moving seats in and out of a slot.
import type { Queryable } from '../storage/index.ts';
import { type BookingEvent, type BookingStatus, sourcesOf, targetOf } from './domain/states.ts';

export interface BookingRecord {
  id: string;
  account_id: string;
  applicant_id: string;
  nik: string;
  slot_id: string;
  status: BookingStatus;
  fee: number;
  passport_type: string;
  validity_years: number;
  application_type: string;
  purpose: string;
  billing_code: string | null;
  created_at: Date;
  issue_by: Date;
  code_issued_at: Date | null;
  pay_by: Date | null;
  paid_at: Date | null;
  rescheduled: boolean;
  refund_status: string | null;
  office_id: string;
  date: string;
  session: string;
  category: string;
}

export interface BookingView {
  id: string;
  status: BookingStatus;
  applicantId: string;
  billingCode: string | null;
  fee: number;
  slot: { officeId: string; date: string; session: string; category: string };
  passportType: string;
  validityYears: number;
  applicationType: string;
  purpose: string;
  createdAt: string;
  codeIssuedAt: string | null;
  payBy: string | null;
  paidAt: string | null;
  rescheduled: boolean;
  refundStatus: string | null;
}

const iso = (value: Date | string | null): string | null =>
  value === null ? null : new Date(value).toISOString();

export function toView(row: BookingRecord): BookingView {
  return {
    id: row.id,
    status: row.status,
    applicantId: row.applicant_id,
    billingCode: row.billing_code,
    fee: row.fee,
    slot: { officeId: row.office_id, date: row.date, session: row.session, category: row.category },
    passportType: row.passport_type,
    validityYears: row.validity_years,
    applicationType: row.application_type,
    purpose: row.purpose,
    createdAt: iso(row.created_at) ?? '',
    codeIssuedAt: iso(row.code_issued_at),
    payBy: iso(row.pay_by),
    paidAt: iso(row.paid_at),
    rescheduled: row.rescheduled,
    refundStatus: row.refund_status,
  };
}

/** A BookingRecord's columns, from `bookings b` and its slot `s`. */
export const BOOKING_COLUMNS = 'b.*, s.office_id, s.date, s.session, s.category';

const SELECT_BOOKING = `SELECT ${BOOKING_COLUMNS} FROM bookings b JOIN slots s ON s.id = b.slot_id`;

export async function findBooking(
  db: Queryable,
  id: string,
  lock = false,
): Promise<BookingRecord | undefined> {
  const result = await db.query<BookingRecord>(
    `${SELECT_BOOKING} WHERE b.id = $1${lock ? ' FOR UPDATE OF b' : ''}`,
    [id],
  );
  return result.rows[0];
}

export async function findBookingByCode(
  db: Queryable,
  code: string,
  lock = false,
): Promise<BookingRecord | undefined> {
  const result = await db.query<BookingRecord>(
    `${SELECT_BOOKING} WHERE b.billing_code = $1${lock ? ' FOR UPDATE OF b' : ''}`,
    [code],
  );
  return result.rows[0];
}

export function slotId(officeId: string, date: string, session: string, category: string): string {
  return `${officeId}|${date}|${session}|${category}`;
}

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

export async function giveSeatBack(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE slots SET taken = taken - 1 WHERE id = $1', [id]);
}

/**
 * Applies a seat-returning event of the state machine (cancel, payment window lapsed, issuance failed)
 * and gives the seat back, in the caller's transaction. Returns false when the booking was no longer in
 * a state the event applies to (someone else moved it first).
 */
export async function closeBooking(
  tx: Queryable,
  id: string,
  event: BookingEvent,
  atMs: number,
): Promise<boolean> {
  const to = targetOf(event);
  const result = await tx.query<{ slot_id: string }>(
    `UPDATE bookings SET status = $2, closed_at = $3, next_attempt_at = NULL
     WHERE id = $1 AND status = ANY($4::text[]) RETURNING slot_id`,
    [id, to, new Date(atMs), sourcesOf(event)],
  );
  const row = result.rows[0];
  if (!row) return false;
  await giveSeatBack(tx, row.slot_id);
  return true;
}
