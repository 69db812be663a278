// Holding a seat: the pre-booking read, the pure checks, the write that takes the seat, then the code.
// Defects met here, each called as its chosen variant: duplicate-submit (Idempotency-Key, one booking
// per NIK), quota-hoarding (hold limits), quota-race (how the seat is taken), billing-fragile (the code).
import { createHash, randomUUID } from 'node:crypto';
import { withSpan } from '../../../telemetry/index.ts';
import { ageOn } from '../applicants/domain/nik.ts';
import { slotId } from '../calendar/slots.ts';
import type { AppContext } from '../context.ts';
import { findOffice } from '../offices/domain/catalogue.ts';
import { localDate } from '../offices/domain/time-zones.ts';
import { problems } from '../problem.ts';
import { isUniqueViolation } from '../storage/index.ts';
import { type PassportType, passportFee, type ServiceCategory, type ValidityYears } from './domain/fees.ts';
import { checkBeforeBooking } from './domain/pre-booking.ts';
import { type BookingOutcome, issueCodeInline, outcomeOf } from './issue-code.ts';
import { activeBookingExists, idempotencyKeyReused, isRefusal, quotaExhausted } from './refusals.ts';
import { findBooking, findIdempotencyKey, type NewBooking, readBeforeBooking, toView } from './store.ts';

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

export function requestHash(input: BookingRequest): string {
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
  const key = ctx.variants.duplicateSubmit.honouredKey(idempotencyKey);
  try {
    return await withSpan('booking.hold_seat', { 'booking.office': input.officeId }, () =>
      holdSeat(ctx, accountId, input, key, hash),
    );
  } catch (error) {
    // A retry racing its own first attempt finds the NIK already booked: if that booking was made with
    // this key, the retry gets the first answer rather than a conflict.
    if (key !== undefined && isConflict(error)) {
      const replay = await replayRetry(ctx, accountId, key, input);
      if (replay) return replay;
    }
    throw error;
  }
}

/**
 * The first answer given for this Idempotency-Key, when the request retries it (an honoured key seen
 * before); undefined when the key is new. The same key with another body is refused.
 */
export async function replayRetry(
  ctx: AppContext,
  accountId: string,
  key: string,
  input: BookingRequest,
): Promise<BookingOutcome | undefined> {
  const honoured = ctx.variants.duplicateSubmit.honouredKey(key);
  if (honoured === undefined) return undefined;
  const stored = await findIdempotencyKey(ctx.db, accountId, honoured);
  if (!stored) return undefined;
  return replayStored(ctx, stored.request_hash, stored.booking_id, requestHash(input));
}

function isConflict(error: unknown): boolean {
  return isUniqueViolation(error) || isRefusal(error, 'active-booking-exists');
}

async function replayStored(
  ctx: AppContext,
  storedHash: string,
  bookingId: string,
  hash: string,
): Promise<BookingOutcome> {
  if (storedHash !== hash) throw idempotencyKeyReused();
  const row = await findBooking(ctx.db, bookingId);
  if (!row) throw problems.notFound(`booking ${bookingId}`);
  return { ...outcomeOf(toView(row)), replayed: true };
}

async function holdSeat(
  ctx: AppContext,
  accountId: string,
  input: BookingRequest,
  key: string | undefined,
  hash: string,
): Promise<BookingOutcome> {
  const { config, variants } = ctx;
  const seat = slotId(input.officeId, input.date, input.session, input.category);
  const known = await readBeforeBooking(ctx.db, accountId, input.applicantId, seat, key ?? null);
  if (key !== undefined && known.stored_hash !== null && known.stored_booking_id !== null) {
    return replayStored(ctx, known.stored_hash, known.stored_booking_id, hash);
  }

  if (known.applicant_id === null || known.nik === null || known.date_of_birth === null) {
    throw problems.notFound(`applicant ${input.applicantId}`);
  }
  const office = findOffice(input.officeId);
  if (!office) throw problems.notFound(`office ${input.officeId}`);
  const nowMs = ctx.clock.now();
  const today = localDate(nowMs, office.timeZone);
  const check = checkBeforeBooking({
    today,
    date: input.date,
    ageYears: ageOn(known.date_of_birth, today),
    married: known.married === true,
    validityYears: input.validityYears,
    slot:
      known.capacity === null || known.taken === null
        ? null
        : { capacity: known.capacity, taken: known.taken },
  });
  if (!check.ok) {
    switch (check.reason) {
      case 'date-in-past':
        throw problems.unprocessable(
          'date-in-past',
          'Date in the past',
          `${input.date} is before today (${today})`,
        );
      case 'validity-not-allowed':
        throw problems.unprocessable(
          'validity-not-allowed',
          'Validity not allowed',
          'a ten-year passport is for adults (17 or older, or married)',
        );
      case 'slot-not-released':
        throw problems.notFound(
          `released slot ${input.date} ${input.session} ${input.category} at ${office.id}`,
        );
      case 'slot-full':
        // Refused at once, without the transaction: most attempts of a rush arrive after the quota is gone.
        ctx.availability.slotFull(seat);
        throw quotaExhausted();
    }
  }

  variants.quotaHoarding.checkHolds(ctx, { perAccount: known.per_account, perNik: known.per_nik });

  const id = randomUUID();
  const createdAt = new Date(nowMs);
  const booking: NewBooking = {
    id,
    accountId,
    applicantId: known.applicant_id,
    nik: known.nik,
    nikGuard: variants.duplicateSubmit.nikGuard(known.nik),
    slotId: seat,
    fee: passportFee(input.passportType, input.validityYears, input.category),
    passportType: input.passportType,
    validityYears: input.validityYears,
    applicationType: input.applicationType,
    purpose: input.purpose,
    createdAt,
    issueBy: new Date(nowMs + simulated(ctx, config.issuanceDeadlineSeconds * 1000)),
    // The outbox worker must not race the inline attempt: its first look comes after the inline timeout.
    ...variants.billingFragile.outboxMark(
      new Date(nowMs + simulated(ctx, config.billingInlineTimeoutMs + 500)),
    ),
  };
  try {
    await variants.quotaRace.takeSeat(ctx, {
      booking,
      remember: key !== undefined ? { key, requestHash: hash } : undefined,
    });
  } catch (error) {
    if (isUniqueViolation(error, 'bookings_one_active_per_nik')) throw activeBookingExists();
    throw error;
  }

  return issueCodeInline(ctx, id, booking.fee, key !== undefined ? { accountId, key } : undefined);
}
