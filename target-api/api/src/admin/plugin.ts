// Admin routes (admin bearer token): seed, releases, invariants, faults, sweep, mailbox, config.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { isValidDate } from '../applicants/domain/nik.ts';
import { requireAdmin } from '../auth.ts';
import { recordAttendance } from '../booking/manage.ts';
import { addDays } from '../calendar/dates.ts';
import type { PluginOptions } from '../context.ts';
import { findOffice } from '../offices/domain/catalogue.ts';
import { openSlots } from '../offices/releases.ts';
import { runOutboxPass } from '../payments/outbox.ts';
import { expireUnpaid } from '../payments/sweeper.ts';
import { problems } from '../problem.ts';
import { Bearer, IsoDate, OfficeId, Query, Uuid } from '../schemas.ts';
import { checkInvariants } from './invariants.ts';
import { seedAccounts } from './seed.ts';

/** A store of the early-2023 outage failing (`errorRate`) or hanging (`latencyMs`). */
const StoreFaultBody = (store: string) =>
  Type.Object({
    latencyMs: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 120_000, description: `added to each call of ${store} (ms)` }),
    ),
    errorRate: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1,
        description: `share of the calls of ${store} that fail at once`,
      }),
    ),
  });

/** The body of PUT /admin/faults; each field's description is its line in `paspor-lab list faults`. */
export const FaultBody = Type.Object({
  database: Type.Optional(
    Type.Object({
      latencyMs: Type.Optional(
        Type.Integer({ minimum: 0, maximum: 60_000, description: 'added to every database statement (ms)' }),
      ),
      jitterMs: Type.Optional(
        Type.Integer({ minimum: 0, maximum: 60_000, description: 'up to this much more, at random (ms)' }),
      ),
    }),
  ),
  identity: Type.Optional(StoreFaultBody('the identity store (login, password reset)')),
  documents: Type.Optional(StoreFaultBody('the document store (uploads)')),
  startAt: Type.Optional(Type.String({ format: 'date-time' })),
  endAt: Type.Optional(Type.String({ format: 'date-time' })),
});

const storeFaults = (body: { latencyMs?: number; errorRate?: number }) => ({
  latencyMs: body.latencyMs ?? 0,
  errorRate: body.errorRate ?? 0,
});

export const adminPlugin: FastifyPluginAsyncTypebox<PluginOptions> = async (app, { ctx }) => {
  app.addHook('onRequest', requireAdmin(ctx));
  const admin = { tags: ['admin'], security: Bearer };

  app.post(
    '/admin/seed',
    {
      schema: {
        ...admin,
        summary: 'Create N activated accounts with applicants; answers their tokens',
        body: Type.Object({
          accounts: Type.Integer({ minimum: 1, maximum: 10_000 }),
          applicantsPerAccount: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
        }),
      },
    },
    async (request, reply) => {
      const accounts = await seedAccounts(ctx, request.body.accounts, request.body.applicantsPerAccount ?? 1);
      return reply.code(201).send({ accounts });
    },
  );

  app.post(
    '/admin/bookings/:bookingId/attendance',
    {
      schema: {
        ...admin,
        summary:
          "The office counter's check-in: a PAID booking becomes ATTENDED on its day, or NO_SHOW once it has passed",
        params: Type.Object({ bookingId: Uuid }),
        body: Type.Object({ outcome: Type.Union([Type.Literal('ATTENDED'), Type.Literal('NO_SHOW')]) }),
      },
    },
    async (request) => recordAttendance(ctx, request.params.bookingId, request.body.outcome),
  );

  app.post(
    '/admin/releases',
    {
      schema: {
        ...admin,
        summary:
          'Release quota now: {officeId, dates} or {officeId, from, days}; capacity overrides each slot',
        body: Type.Object({
          officeId: OfficeId,
          dates: Type.Optional(Type.Array(IsoDate, { minItems: 1, maxItems: 62, uniqueItems: true })),
          from: Type.Optional(IsoDate),
          days: Type.Optional(Type.Integer({ minimum: 1, maximum: 62 })),
          capacity: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
        }),
      },
    },
    async (request, reply) => {
      const { officeId, dates, from, days, capacity } = request.body;
      const office = findOffice(officeId);
      if (!office) throw problems.notFound(`office ${officeId}`);
      let list = dates;
      if (!list) {
        if (!from || !days) throw problems.validation('give either dates, or from and days');
        list = Array.from({ length: days }, (_, i) => addDays(from, i));
      }
      if (!list.every(isValidDate)) {
        throw problems.validation('every date must be a calendar date');
      }
      const slots = await openSlots(ctx, office, list, 'admin', capacity);
      return reply.code(201).send({ officeId, slots });
    },
  );

  app.get(
    '/admin/invariants',
    { schema: { ...admin, summary: 'The six invariants of docs/DEFECTS.md, from the database' } },
    () => checkInvariants(ctx),
  );

  app.get('/admin/faults', { schema: { ...admin, summary: 'API-side environment faults' } }, () =>
    ctx.faults.get(),
  );
  app.get(
    '/admin/faults/history',
    { schema: { ...admin, summary: 'Every API-side fault that was in force, with its start and end' } },
    () => ({ periods: ctx.faults.history() }),
  );
  app.put(
    '/admin/faults',
    {
      schema: {
        ...admin,
        summary:
          'Set API-side faults (database latency, identity store, document store), optionally in a window',
        body: FaultBody,
      },
    },
    (request) => {
      const body = request.body;
      if (body.startAt && body.endAt && Date.parse(body.endAt) <= Date.parse(body.startAt)) {
        throw problems.validation('endAt must be after startAt');
      }
      ctx.faults.set({
        database: { latencyMs: body.database?.latencyMs ?? 0, jitterMs: body.database?.jitterMs ?? 0 },
        ...(body.identity ? { identity: storeFaults(body.identity) } : {}),
        ...(body.documents ? { documents: storeFaults(body.documents) } : {}),
        startAt: body.startAt ?? null,
        endAt: body.endAt ?? null,
      });
      return ctx.faults.get();
    },
  );
  app.delete('/admin/faults', { schema: { ...admin, summary: 'Clear API-side faults' } }, () => {
    ctx.faults.clear();
    return ctx.faults.get();
  });

  app.post(
    '/admin/sweep',
    { schema: { ...admin, summary: 'Run the expiry sweeper and the issuance outbox now' } },
    async () => ({
      sweep: await expireUnpaid(ctx),
      outbox: await runOutboxPass(ctx),
    }),
  );

  app.get(
    '/admin/mailbox',
    {
      schema: {
        ...admin,
        summary: 'The simulated mailbox (simulation mode only)',
        querystring: Type.Object({ email: Query.text({ minLength: 3, maxLength: 254 }) }),
      },
    },
    async (request) => {
      if (!ctx.config.simulation) throw problems.notFound('the mailbox (simulation mode is off)');
      return { email: request.query.email, messages: ctx.mailbox.read(request.query.email) };
    },
  );

  app.get(
    '/admin/config',
    { schema: { ...admin, summary: 'Profile, active defects, clock speed and limits' } },
    () => {
      const c = ctx.config;
      return {
        profile: c.profile,
        defects: [...ctx.defects],
        engine: ctx.db.engine,
        clockSpeed: ctx.clock.speed,
        now: ctx.clock.date().toISOString(),
        paymentWindowMinutes: c.paymentWindowMinutes,
        issuanceDeadlineSeconds: c.issuanceDeadlineSeconds,
        issuanceObjectiveSeconds: c.issuanceObjectiveSeconds,
        limits: {
          applicantsPerAccount: c.applicantLimit,
          activeHoldsPerAccount: c.maxActiveHoldsPerAccount,
          activeHoldsPerNik: c.maxActiveHoldsPerNik,
          bookingAttemptsPerMinute: c.bookingRateLimitPerMinute,
          loginAttemptsPerMinute: c.loginRateLimitPerMinute,
          admissionMaxInFlight: c.admissionMaxInFlight,
          admissionMaxQueueDelayMs: c.admissionMaxQueueDelayMs,
          admissionMaxEventLoopDelayMs: c.admissionMaxEventLoopDelayMs,
        },
        billingUrl: c.billingUrl,
        simulation: c.simulation,
      };
    },
  );
};
