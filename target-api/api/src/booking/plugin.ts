// Booking routes: translate HTTP to the flows (hold-seat.ts, manage.ts) and back.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { accountOf, requireAccount } from '../auth.ts';
import type { PluginOptions } from '../context.ts';
import { problems } from '../problem.ts';
import { Bearer, BookingView, Category, IsoDate, OfficeId, Session, Uuid } from '../schemas.ts';
import { type BookingRequest, createBooking, replayRetry } from './hold-seat.ts';
import type { BookingOutcome } from './issue-code.ts';
import { bookingProof, cancelBooking, getOwnBooking, listOwnBookings, rescheduleBooking } from './manage.ts';
import { bookingInProgress } from './refusals.ts';

const BookingParams = Type.Object({ bookingId: Uuid });

function sendOutcome(reply: FastifyReply, outcome: BookingOutcome): FastifyReply {
  if (outcome.retryAfter !== undefined) reply.header('retry-after', String(outcome.retryAfter));
  // Stripe's header name: the answer is the one first given for this Idempotency-Key (telemetry counts
  // it as a replay, not a booking).
  if (outcome.replayed) reply.header('idempotent-replayed', 'true');
  reply.header('location', `/v1/bookings/${outcome.booking.id}`);
  return reply.code(outcome.statusCode).send(outcome.booking);
}

export const bookingPlugin: FastifyPluginAsyncTypebox<PluginOptions> = async (app, { ctx }) => {
  // overload-collapse: the fix sheds booking writes early (admission.ts); legacy admits every one.
  ctx.variants.overloadCollapse.guardBookingWrites(app, ctx);
  app.addHook('onRequest', requireAccount(ctx));
  const admissionHooks = { config: { admission: true } };
  // quota-hoarding: the fix rate-limits booking attempts per account; legacy has no limit. A retry of
  // a request already answered (same Idempotency-Key, same body) books nothing new, so past the limit it
  // still gets its first answer instead of a 429.
  const countAttempt = ctx.variants.quotaHoarding.attemptLimiter(app, ctx.config);
  // quota-hoarding: the fix takes one new booking per account at a time; legacy takes them all at once.
  const gate = ctx.variants.quotaHoarding.writeGate(ctx.config);
  const limitAttempts = async (
    request: FastifyRequest<{ Body: BookingRequest; Headers: { 'idempotency-key'?: string } }>,
    reply: FastifyReply,
  ) => {
    const count = await countAttempt(request);
    reply.headers(count.headers);
    if (!count.exceeded) return;
    const key = request.headers['idempotency-key'];
    const replay =
      key === undefined ? undefined : await replayRetry(ctx, accountOf(request), key, request.body);
    if (replay) return sendOutcome(reply, replay);
    throw problems.tooMany(
      `too many attempts; retry in ${count.retryAfterSeconds} s`,
      count.retryAfterSeconds,
    );
  };

  app.post(
    '/v1/bookings',
    {
      config: admissionHooks.config,
      preHandler: limitAttempts,
      schema: {
        tags: ['bookings'],
        security: Bearer,
        summary:
          'Book a slot: 201 with the billing code, or 202 HELD while the code is issued (poll the booking)',
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
        }),
        body: Type.Object({
          applicantId: Uuid,
          officeId: OfficeId,
          date: IsoDate,
          session: Session,
          category: Category,
          passportType: Type.Union([Type.Literal('E_PASPOR'), Type.Literal('NON_ELEKTRONIK')]),
          validityYears: Type.Union([Type.Literal(5), Type.Literal(10)]),
          applicationType: Type.Union([Type.Literal('BARU'), Type.Literal('PENGGANTIAN')]),
          purpose: Type.String({ minLength: 1, maxLength: 200 }),
        }),
        response: { 201: BookingView, 202: BookingView },
      },
    },
    async (request, reply) => {
      const account = accountOf(request);
      const key = request.headers['idempotency-key'];
      if (!gate.enter(account, key)) throw bookingInProgress();
      try {
        return sendOutcome(reply, await createBooking(ctx, account, request.body, key));
      } finally {
        gate.leave(account, key);
      }
    },
  );

  app.get(
    '/v1/bookings',
    {
      schema: {
        tags: ['bookings'],
        security: Bearer,
        summary: 'My bookings, newest first',
        response: { 200: Type.Array(BookingView) },
      },
    },
    async (request) => listOwnBookings(ctx, accountOf(request)),
  );

  app.get(
    '/v1/bookings/:bookingId',
    {
      schema: {
        tags: ['bookings'],
        security: Bearer,
        summary: 'One of my bookings',
        params: BookingParams,
        response: { 200: BookingView },
      },
    },
    async (request, reply) => {
      const booking = await getOwnBooking(ctx, accountOf(request), request.params.bookingId);
      if (booking.status === 'HELD') reply.header('retry-after', '2');
      return booking;
    },
  );

  app.post(
    '/v1/bookings/:bookingId/cancel',
    {
      schema: {
        tags: ['bookings'],
        security: Bearer,
        summary: 'Cancel before payment',
        params: BookingParams,
        response: { 200: BookingView },
      },
    },
    async (request) => cancelBooking(ctx, accountOf(request), request.params.bookingId),
  );

  app.post(
    '/v1/bookings/:bookingId/reschedule',
    {
      ...admissionHooks,
      schema: {
        tags: ['bookings'],
        security: Bearer,
        summary: 'Move a PAID booking once, until H-1, where quota is free',
        params: BookingParams,
        body: Type.Object({ date: IsoDate, session: Session }),
        response: { 200: BookingView },
      },
    },
    async (request) => rescheduleBooking(ctx, accountOf(request), request.params.bookingId, request.body),
  );

  app.get(
    '/v1/bookings/:bookingId/proof',
    {
      schema: {
        tags: ['bookings'],
        security: Bearer,
        summary: 'The signed QR payload of a PAID booking',
        params: BookingParams,
        response: { 200: Type.Object({ payload: Type.String(), signature: Type.String() }) },
      },
    },
    async (request) => bookingProof(ctx, accountOf(request), request.params.bookingId),
  );
};
