// The booking flows: holdSeat, issueBillingCode, cancel, reschedule, proof. Three defects live here,
// each beside its fix: quota-race (holdSeat), duplicate-submit (idempotency and the NIK guard),
// billing-fragile (how the code is issued), plus the hoarding limits of quota-hoarding.
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { traceCarrier, withSpan } from '../../../telemetry/index.ts';
import { ageOn } from '../applicants/domain/nik.ts';
import type { AppContext } from '../context.ts';
import { forgetOffice } from '../offices/availability-cache.ts';
import { findOffice } from '../offices/domain/catalogue.ts';
import { localDate } from '../offices/domain/time-zones.ts';
import { ProblemError, problems } from '../problem.ts';
import { sleep } from '../storage/database.ts';
import { isUniqueViolation, type Queryable } from '../storage/index.ts';
import {
  allowedValidity,
  type PassportType,
  passportFee,
  type ServiceCategory,
  type ValidityYears,
} from './domain/fees.ts';
import {
  type AttendanceOutcome,
  checkAttendance,
  checkReschedule,
  daysBetween,
  paymentDeadline,
} from './domain/rules.ts';
import { ACTIVE, canTransition, transition } from './domain/states.ts';
import {
  BOOKING_COLUMNS,
  type BookingRecord,
  type BookingView,
  closeBooking,
  findBooking,
  giveSeatBack,
  slotId,
  takeSeatAtomically,
  toView,
} from './store.ts';

export interface BookingRequest {
  applicantId: string;
  officeId: string;
  date: string;
  session: string;
  category: ServiceCategory;
  passportType: PassportType;
  validityYears: ValidityYears;
  applicationType: 'BARU' | 'PENGGANTIAN';
  purpose: string;
}

export interface BookingOutcome {
  statusCode: 201 | 202;
  booking: BookingView;
  /** Seconds the client should wait before polling (202 only). */
  retryAfter?: number;
}

const quotaExhausted = () =>
  problems.conflict(
    'quota-exhausted',
    'Quota exhausted',
    'no seat is left in this slot; choose another date or session',
  );
const activeBookingExists = () =>
  problems.conflict(
    'active-booking-exists',
    'Active booking exists',
    'this applicant already has an active booking',
  );

function requestHash(input: BookingRequest): string {
  const ordered = Object.keys(input)
    .sort()
    .map((key) => [key, input[key as keyof BookingRequest]]);
  return createHash('sha256').update(JSON.stringify(ordered)).digest('hex');
}

/** A real millisecond delay expressed on the (possibly sped-up) clock. */
const simulated = (ctx: AppContext, realMs: number) => realMs * ctx.clock.speed;

export async function createBooking(
  ctx: AppContext,
  accountId: string,
  input: BookingRequest,
  idempotencyKey: string | undefined,
): Promise<BookingOutcome> {
  const hash = requestHash(input);
  try {
    return await withSpan('booking.hold_seat', { 'booking.office': input.officeId }, () =>
      holdSeat(ctx, accountId, input, idempotencyKey, hash),
    );
  } catch (error) {
    // A retry racing its own first attempt finds the NIK already booked: if that booking was made with
    // this key, the retry gets the first answer rather than a conflict.
    if (!ctx.defects.has('duplicate-submit') && idempotencyKey !== undefined && isConflict(error)) {
      const replay = await replayIdempotent(ctx, accountId, idempotencyKey, hash);
      if (replay) return replay;
    }
    throw error;
  }
}

function isConflict(error: unknown): boolean {
  return (
    isUniqueViolation(error) || (error instanceof ProblemError && error.slug === 'active-booking-exists')
  );
}

async function holdSeat(
  ctx: AppContext,
  accountId: string,
  input: BookingRequest,
  idempotencyKey: string | undefined,
  hash: string,
): Promise<BookingOutcome> {
  const { db, defects, config } = ctx;

  // duplicate-submit: legacy ignores Idempotency-Key; the fix replays the first answer for a retried key.
  const useIdempotency = !defects.has('duplicate-submit') && idempotencyKey !== undefined;
  const seat = slotId(input.officeId, input.date, input.session, input.category);
  const known = await readBeforeBooking(
    ctx,
    accountId,
    input.applicantId,
    seat,
    useIdempotency ? idempotencyKey : null,
  );
  if (useIdempotency && known.stored_hash !== null && known.stored_booking_id !== null) {
    return replayStored(ctx, known.stored_hash, known.stored_booking_id, hash);
  }

  if (known.applicant_id === null) throw problems.notFound(`applicant ${input.applicantId}`);
  const applicant = {
    id: known.applicant_id,
    nik: known.nik as string,
    date_of_birth: known.date_of_birth as string,
    married: known.married === true,
  };
  const office = findOffice(input.officeId);
  if (!office) throw problems.notFound(`office ${input.officeId}`);
  const nowMs = ctx.clock.now();
  const today = localDate(nowMs, office.timeZone);
  if (daysBetween(today, input.date) < 0) {
    throw problems.unprocessable(
      'date-in-past',
      'Date in the past',
      `${input.date} is before today (${today})`,
    );
  }
  if (
    !allowedValidity(ageOn(applicant.date_of_birth, today), applicant.married).includes(input.validityYears)
  ) {
    throw problems.unprocessable(
      'validity-not-allowed',
      'Validity not allowed',
      'a ten-year passport is for adults (17 or older, or married)',
    );
  }
  if (known.capacity === null || known.taken === null)
    throw problems.notFound(`released slot ${input.date} ${input.session} ${input.category} at ${office.id}`);
  const slot = { capacity: known.capacity, taken: known.taken };

  // A slot read full just now is refused at once: a correct "no" as of that read, without the transaction
  // (most attempts of a rush arrive after the quota is gone). A free seat in the read is only a hint: the
  // fix's conditional update decides, and legacy's blind write below is where quota-race oversells.
  if (slot.taken >= slot.capacity) {
    forgetOffice(ctx, input.officeId);
    throw quotaExhausted();
  }

  // quota-hoarding: legacy lets one account or NIK hold any number of seats; the fix caps active holds.
  if (!defects.has('quota-hoarding')) enforceHoldLimits(ctx, known.per_account, known.per_nik);

  const booking = {
    id: randomUUID(),
    fee: passportFee(input.passportType, input.validityYears, input.category),
    createdAt: new Date(nowMs),
    issueBy: new Date(nowMs + simulated(ctx, config.issuanceDeadlineSeconds * 1000)),
    // The outbox worker must not race the inline attempt: its first look comes after the inline timeout.
    nextAttemptAt: new Date(nowMs + simulated(ctx, config.billingInlineTimeoutMs + 500)),
    nikGuard: defects.has('duplicate-submit') ? null : applicant.nik,
    outbox: !defects.has('billing-fragile'),
  };
  // The outbox worker issues the code later, outside this request: it continues this trace from here.
  const traceContext = booking.outbox ? (traceCarrier().traceparent ?? null) : null;
  const insertBooking = (tx: Queryable) =>
    tx.query(
      `INSERT INTO bookings (id, account_id, applicant_id, nik, nik_guard, slot_id, status, fee, passport_type,
         validity_years, application_type, purpose, created_at, issue_by, next_attempt_at, outbox, trace_context)
       VALUES ($1, $2, $3, $4, $5, $6, 'HELD', $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [
        booking.id,
        accountId,
        applicant.id,
        applicant.nik,
        booking.nikGuard,
        seat,
        booking.fee,
        input.passportType,
        input.validityYears,
        input.applicationType,
        input.purpose,
        booking.createdAt,
        booking.issueBy,
        booking.outbox ? booking.nextAttemptAt : null,
        booking.outbox,
        traceContext,
      ],
    );
  const rememberKey = (tx: Queryable, statusCode: number) =>
    tx.query(
      `INSERT INTO idempotency_keys (account_id, key, request_hash, booking_id, status_code, created_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [accountId, idempotencyKey, hash, booking.id, statusCode, booking.createdAt],
    );

  // quota-hoarding's fix, race-free: the account row stays locked while its active bookings are counted
  // and the new one is written, so a bot tapping for ten applicants at once cannot have all ten see
  // "none held yet" (enforceHoldLimits above is only the cheap early refusal).
  const withinHoldLimit = async (tx: Queryable) => {
    if (defects.has('quota-hoarding')) return;
    await tx.query('SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE', [accountId]);
    const held = await tx.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM bookings WHERE account_id = $1 AND status = ANY($2::text[])',
      [accountId, ACTIVE],
    );
    if ((held.rows[0]?.n ?? 0) >= config.maxActiveHoldsPerAccount) throw holdLimitReached(ctx);
  };

  if (defects.has('quota-race')) {
    // Legacy: read the remaining quota, do other work, then write. Every request in flight meanwhile
    // saw the same last seat, so the slot is oversold.
    await checkDocumentsLegacy(ctx, applicant.id);
    await db.query('UPDATE slots SET taken = taken + 1 WHERE id = $1', [seat]);
    try {
      await db.transaction(async (tx) => {
        await withinHoldLimit(tx);
        await insertBooking(tx);
        if (useIdempotency) await rememberKey(tx, 201);
      });
    } catch (error) {
      await giveSeatBack(db, seat);
      throw translateInsertError(error);
    }
  } else {
    // Fix: a conditional update takes the seat only while one is free, in the same transaction as the
    // booking row; if the row cannot be written (NIK guard, idempotency race) the seat is not taken.
    // When the service learns that a slot is full (the last seat taken, or none left), it forgets the
    // office's cached calendar: the next look shows the slot red instead of sending more users at it.
    let seatsLeft: number | null = null;
    try {
      // Everyone in a rush wants the same slot, so its row is the hot lock: it is taken last, just before
      // COMMIT, and held for one round trip instead of three. If no seat is left, the rollback takes the
      // booking row back with it.
      await db.transaction(async (tx) => {
        await withinHoldLimit(tx);
        await insertBooking(tx);
        if (useIdempotency) await rememberKey(tx, 201);
        seatsLeft = await takeSeatAtomically(tx, seat);
        if (seatsLeft === null) throw quotaExhausted();
      });
    } catch (error) {
      if (error instanceof ProblemError && error.slug === 'quota-exhausted')
        forgetOffice(ctx, input.officeId);
      throw translateInsertError(error);
    }
    if (seatsLeft === 0) forgetOffice(ctx, input.officeId);
  }

  return issueInline(
    ctx,
    booking.id,
    booking.fee,
    useIdempotency ? { accountId, key: idempotencyKey } : undefined,
  );
}

/**
 * The legacy flow's "other work" between reading the quota and writing the booking: it looks up the
 * applicant's past passports and waits on the document store (modelled as LEGACY_DOCUMENT_CHECK_MS).
 */
async function checkDocumentsLegacy(ctx: AppContext, applicantId: string): Promise<void> {
  await ctx.db.query("SELECT count(*)::int AS n FROM bookings WHERE applicant_id = $1 AND status = 'PAID'", [
    applicantId,
  ]);
  if (ctx.config.legacyDocumentCheckMs > 0) await sleep(ctx.config.legacyDocumentCheckMs);
}

function translateInsertError(error: unknown): unknown {
  if (isUniqueViolation(error, 'bookings_one_active_per_nik')) return activeBookingExists();
  return error;
}

/** What a booking reads before it writes, in one statement (see readBeforeBooking). */
interface BeforeBooking {
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
async function readBeforeBooking(
  ctx: AppContext,
  accountId: string,
  applicantId: string,
  seat: string,
  idempotencyKey: string | null,
): Promise<BeforeBooking> {
  const result = await ctx.db.query<BeforeBooking>(
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

function enforceHoldLimits(ctx: AppContext, perAccount: number, perNik: number): void {
  // The per-NIK cap is also what duplicate-submit's guard enforces; while that defect is on, counting
  // here too would hide it, so the cap applies only with both fixes in place.
  if (!ctx.defects.has('duplicate-submit') && perNik >= ctx.config.maxActiveHoldsPerNik) {
    throw activeBookingExists();
  }
  if (perAccount >= ctx.config.maxActiveHoldsPerAccount) throw holdLimitReached(ctx);
}

function holdLimitReached(ctx: AppContext): ProblemError {
  return problems.conflict(
    'hold-limit-reached',
    'Hold limit reached',
    `an account may hold at most ${ctx.config.maxActiveHoldsPerAccount} active bookings at once`,
  );
}

async function replayIdempotent(
  ctx: AppContext,
  accountId: string,
  key: string,
  hash: string,
): Promise<BookingOutcome | undefined> {
  const stored = (
    await ctx.db.query<{ request_hash: string; booking_id: string }>(
      'SELECT request_hash, booking_id FROM idempotency_keys WHERE account_id = $1 AND key = $2',
      [accountId, key],
    )
  ).rows[0];
  if (!stored) return undefined;
  return replayStored(ctx, stored.request_hash, stored.booking_id, hash);
}

/** The first answer given for an Idempotency-Key, if the retried request is the same request. */
async function replayStored(
  ctx: AppContext,
  storedHash: string,
  bookingId: string,
  hash: string,
): Promise<BookingOutcome> {
  if (storedHash !== hash) {
    throw problems.unprocessable(
      'idempotency-key-reused',
      'Idempotency key reused',
      'this Idempotency-Key was first used with a different request body; use a new key for a new booking',
    );
  }
  const row = await findBooking(ctx.db, bookingId);
  if (!row) throw problems.notFound(`booking ${bookingId}`);
  const view = toView(row);
  return view.status === 'HELD'
    ? { statusCode: 202, booking: view, retryAfter: 2 }
    : { statusCode: 201, booking: view };
}

/**
 * Stores an issued code: HELD -> WAITING_PAYMENT, payBy = issue time + the payment window. Returns the
 * booking as it now stands, or undefined when it was no longer HELD (the outbox or the sweeper moved it).
 */
export async function recordBillingCode(
  ctx: AppContext,
  bookingId: string,
  billingCode: string,
): Promise<BookingRecord | undefined> {
  const issuedAt = ctx.clock.now();
  const payBy = paymentDeadline(issuedAt, ctx.config.paymentWindowMinutes);
  const result = await ctx.db.query<BookingRecord>(
    `UPDATE bookings b SET status = 'WAITING_PAYMENT', billing_code = $2, code_issued_at = $3, pay_by = $4,
       next_attempt_at = NULL FROM slots s WHERE b.id = $1 AND b.status = 'HELD' AND s.id = b.slot_id
     RETURNING ${BOOKING_COLUMNS}`,
    [bookingId, billingCode, new Date(issuedAt), new Date(payBy)],
  );
  const row = result.rows[0];
  // Booking-to-code time in real seconds (the clock may run sped up): the payment-code objective's measure.
  if (row)
    ctx.metrics.paymentCodeIssued((issuedAt - new Date(row.created_at).getTime()) / ctx.clock.speed / 1000);
  return row;
}

async function issueInline(
  ctx: AppContext,
  bookingId: string,
  fee: number,
  idempotency: { accountId: string; key: string } | undefined,
): Promise<BookingOutcome> {
  const payBy = new Date(paymentDeadline(ctx.clock.now(), ctx.config.paymentWindowMinutes)).toISOString();
  const request = { bookingId, amount: fee, payBy };
  let recorded: BookingRecord | undefined;
  if (ctx.defects.has('billing-fragile')) {
    // Legacy: one inline call with no timeout and no retry. On failure the client gets a 500, but the
    // seat stays held by a booking that will never get its code.
    try {
      const bill = await ctx.billing.issueBill(request, 'legacy');
      recorded = await recordBillingCode(ctx, bookingId, bill.billingCode);
    } catch (error) {
      throw new ProblemError(
        500,
        'billing-failed',
        'Billing failed',
        `the payment code could not be issued: ${(error as Error).message}`,
      );
    }
  } else {
    // Fix: one short attempt inline; if it fails the outbox worker keeps trying (timeout, jittered
    // retries, circuit breaker) and releases the seat if the code cannot be issued in time.
    try {
      const bill = await ctx.billing.issueBill(request, 'inline');
      recorded = await recordBillingCode(ctx, bookingId, bill.billingCode);
    } catch {
      // Left HELD for the outbox; the client polls GET /v1/bookings/:id.
    }
  }
  const row = recorded ?? (await findBooking(ctx.db, bookingId));
  if (!row) throw problems.notFound(`booking ${bookingId}`);
  const view = toView(row);
  if (view.status === 'HELD') {
    if (idempotency) {
      await ctx.db.query('UPDATE idempotency_keys SET status_code = 202 WHERE account_id = $1 AND key = $2', [
        idempotency.accountId,
        idempotency.key,
      ]);
    }
    return { statusCode: 202, booking: view, retryAfter: 2 };
  }
  return { statusCode: 201, booking: view };
}

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
  const rows = await ctx.db.query<Parameters<typeof toView>[0]>(
    `SELECT b.*, s.office_id, s.date, s.session, s.category FROM bookings b JOIN slots s ON s.id = b.slot_id
     WHERE b.account_id = $1 ORDER BY b.created_at DESC LIMIT 100`,
    [accountId],
  );
  return rows.rows.map(toView);
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
    const exists = await tx.query('SELECT 1 FROM slots WHERE id = $1', [newSeat]);
    if (exists.rows.length === 0) throw problems.notFound(`released slot ${target.date} ${target.session}`);
    if ((await takeSeatAtomically(tx, newSeat)) === null) throw quotaExhausted();
    await giveSeatBack(tx, row.slot_id);
    await tx.query('UPDATE bookings SET slot_id = $2, rescheduled = true WHERE id = $1', [
      bookingId,
      newSeat,
    ]);
  });
  return getOwnBooking(ctx, accountId, bookingId);
}

const RESCHEDULE_REASONS = {
  'already-rescheduled': 'a booking can be rescheduled only once',
  'too-late': 'rescheduling closes the day before the appointment (H-1)',
  'date-in-past': 'the new date must be tomorrow or later',
  'same-slot': 'the new slot is the current one',
} as const;

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
    await tx.query('UPDATE bookings SET status = $2 WHERE id = $1', [
      bookingId,
      transition(row.status, event),
    ]);
  });
  const after = await findBooking(ctx.db, bookingId);
  if (!after) throw problems.notFound(`booking ${bookingId}`);
  return toView(after);
}
