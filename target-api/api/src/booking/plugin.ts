// Booking routes: translate HTTP to the flows (hold-seat.ts, manage.ts) and back.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { accountOf, requireAccount } from '../auth.ts';
import type { PluginOptions } from '../context.ts';
import { Bearer, BookingView, Category, IsoDate, OfficeId, Session, Uuid } from '../schemas.ts';
import { createBooking } from './hold-seat.ts';
import { bookingProof, cancelBooking, getOwnBooking, listOwnBookings, rescheduleBooking } from './manage.ts';

const BookingParams = Type.Object({ bookingId: Uuid });

export const bookingPlugin: FastifyPluginAsyncTypebox<PluginOptions> = async (app, { ctx }) => {
  // overload-collapse: the fix sheds booking writes early (admission.ts); legacy admits every one.
  ctx.variants.overloadCollapse.guardBookingWrites(app, ctx);
  app.addHook('onRequest', requireAccount(ctx));
  const admissionHooks = { config: { admission: true } };
  // quota-hoarding: the fix rate-limits booking attempts per account; legacy has no limit.
  const attemptLimit = ctx.variants.quotaHoarding.attemptLimit(ctx.config);

  app.post(
    '/v1/bookings',
    {
      config: { ...attemptLimit, ...admissionHooks.config },
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
      const outcome = await createBooking(
        ctx,
        accountOf(request),
        request.body,
        request.headers['idempotency-key'],
      );
      if (outcome.retryAfter !== undefined) reply.header('retry-after', String(outcome.retryAfter));
      reply.header('location', `/v1/bookings/${outcome.booking.id}`);
      return reply.code(outcome.statusCode).send(outcome.booking);
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
