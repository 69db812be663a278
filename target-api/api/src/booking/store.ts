// SQL for bookings: reading one with its slot, writing a new one and its Idempotency-Key, moving it
// through its states. Every statement of the booking flows is here or in seat-store.ts.
import type { Queryable } from '../storage/index.ts';
import { ACTIVE, type BookingEvent, type BookingStatus, sourcesOf, targetOf } from './domain/states.ts';
import { giveSeatBack, type KeyToRemember } from './seat-store.ts';

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
const BOOKING_COLUMNS = 'b.*, s.office_id, s.date, s.session, s.category';

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

export async function listAccountBookings(db: Queryable, accountId: string): Promise<BookingRecord[]> {
  const rows = await db.query<BookingRecord>(
    `${SELECT_BOOKING} WHERE b.account_id = $1 ORDER BY b.created_at DESC LIMIT 100`,
    [accountId],
  );
  return rows.rows;
}

/** What a booking reads before it writes, in one statement (see readBeforeBooking). */
export interface BeforeBooking {
  applicant_id: string | null;
  nik: string | null;
  date_of_birth: string | null;
  married: boolean | null;
  capacity: number | null;
  taken: number | null;
  stored_hash: string | null;
  stored_booking_id: string | null;
  per_account: number;
  per_nik: number;
}

/**
 * Everything a booking checks before its transaction, in one round trip: the applicant (only the
 * caller's own), the slot's level, the answer already given for this Idempotency-Key, and the active
 * bookings of the account and of the NIK. A booking used to read these in four statements; in a rush
 * each statement waited its turn for the database again.
 */
export async function readBeforeBooking(
  db: Queryable,
  accountId: string,
  applicantId: string,
  seat: string,
  idempotencyKey: string | null,
): Promise<BeforeBooking> {
  const result = await db.query<BeforeBooking>(
    `SELECT a.id AS applicant_id, a.nik, a.date_of_birth, a.married, s.capacity, s.taken,
       k.request_hash AS stored_hash, k.booking_id AS stored_booking_id,
       (SELECT count(*) FROM bookings b WHERE b.account_id = $1 AND b.status = ANY($5::text[]))::int AS per_account,
       (SELECT count(*) FROM bookings b WHERE b.nik = a.nik AND b.status = ANY($5::text[]))::int AS per_nik
     FROM (VALUES (1)) AS one (x)
     LEFT JOIN applicants a ON a.id = $2 AND a.account_id = $1
     LEFT JOIN slots s ON s.id = $3
     LEFT JOIN idempotency_keys k ON k.account_id = $1 AND k.key = $4`,
    [accountId, applicantId, seat, idempotencyKey, ACTIVE],
  );
  const row = result.rows[0];
  if (!row) throw new Error('the pre-booking read returned no row');
  return row;
}

/** A new HELD booking as written. */
export interface NewBooking {
  id: string;
  accountId: string;
  applicantId: string;
  nik: string;
  /** The NIK where one active booking per NIK is enforced (a unique index), null where it is not. */
  nikGuard: string | null;
  slotId: string;
  fee: number;
  passportType: string;
  validityYears: number;
  applicationType: string;
  purpose: string;
  createdAt: Date;
  issueBy: Date;
  /** Outbox rows only: when the worker may first try to issue the code. */
  nextAttemptAt: Date | null;
  outbox: boolean;
  /** The request's trace, continued by the outbox worker. */
  traceContext: string | null;
}

export async function insertBooking(db: Queryable, booking: NewBooking): Promise<void> {
  await db.query(
    `INSERT INTO bookings (id, account_id, applicant_id, nik, nik_guard, slot_id, status, fee, passport_type,
       validity_years, application_type, purpose, created_at, issue_by, next_attempt_at, outbox, trace_context)
     VALUES ($1, $2, $3, $4, $5, $6, 'HELD', $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
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
    ],
  );
}

/** A new booking's row and, if given, its Idempotency-Key (first answered 201), in the caller's transaction. */
export async function writeBooking(
  tx: Queryable,
  booking: NewBooking,
  remember: KeyToRemember | undefined,
): Promise<void> {
  await insertBooking(tx, booking);
  if (remember) {
    await rememberIdempotencyKey(tx, booking.accountId, remember.key, {
      request_hash: remember.requestHash,
      booking_id: booking.id,
      statusCode: 201,
      createdAt: booking.createdAt,
    });
  }
}

export interface StoredKey {
  request_hash: string;
  booking_id: string;
}

export async function rememberIdempotencyKey(
  db: Queryable,
  accountId: string,
  key: string,
  stored: StoredKey & { statusCode: number; createdAt: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO idempotency_keys (account_id, key, request_hash, booking_id, status_code, created_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [accountId, key, stored.request_hash, stored.booking_id, stored.statusCode, stored.createdAt],
  );
}

export async function findIdempotencyKey(
  db: Queryable,
  accountId: string,
  key: string,
): Promise<StoredKey | undefined> {
  const result = await db.query<StoredKey>(
    'SELECT request_hash, booking_id FROM idempotency_keys WHERE account_id = $1 AND key = $2',
    [accountId, key],
  );
  return result.rows[0];
}

/** The first answer for this key was 202 (the code is still being issued). */
export async function markKeyAnsweredHeld(db: Queryable, accountId: string, key: string): Promise<void> {
  await db.query('UPDATE idempotency_keys SET status_code = 202 WHERE account_id = $1 AND key = $2', [
    accountId,
    key,
  ]);
}

/** Locks the account row and counts its active bookings (quota-hoarding's race-free cap). */
export async function lockAndCountActiveHolds(tx: Queryable, accountId: string): Promise<number> {
  await tx.query('SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE', [accountId]);
  const held = await tx.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM bookings WHERE account_id = $1 AND status = ANY($2::text[])',
    [accountId, ACTIVE],
  );
  return held.rows[0]?.n ?? 0;
}

/** The applicant's past passports, which the legacy flow looks up between its read and its write. */
export async function countPaidBookings(db: Queryable, applicantId: string): Promise<number> {
  const result = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM bookings WHERE applicant_id = $1 AND status = 'PAID'",
    [applicantId],
  );
  return result.rows[0]?.n ?? 0;
}

/** HELD -> WAITING_PAYMENT with its code; undefined when the booking was no longer HELD. */
export async function storeBillingCode(
  db: Queryable,
  bookingId: string,
  billingCode: string,
  issuedAt: Date,
  payBy: Date,
): Promise<BookingRecord | undefined> {
  const result = await db.query<BookingRecord>(
    `UPDATE bookings b SET status = 'WAITING_PAYMENT', billing_code = $2, code_issued_at = $3, pay_by = $4,
       next_attempt_at = NULL FROM slots s WHERE b.id = $1 AND b.status = 'HELD' AND s.id = b.slot_id
     RETURNING ${BOOKING_COLUMNS}`,
    [bookingId, billingCode, issuedAt, payBy],
  );
  return result.rows[0];
}

export async function moveToSlot(db: Queryable, bookingId: string, slotId: string): Promise<void> {
  await db.query('UPDATE bookings SET slot_id = $2, rescheduled = true WHERE id = $1', [bookingId, slotId]);
}

export async function setStatus(db: Queryable, bookingId: string, status: BookingStatus): Promise<void> {
  await db.query('UPDATE bookings SET status = $2 WHERE id = $1', [bookingId, status]);
}
