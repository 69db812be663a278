// overload-collapse: what happens past capacity. Legacy admits every booking write and reads the
// calendar from the database on every look, so the pool queues until everything times out; the fix
// sheds booking writes early (admission.ts) and serves calendars from a short-lived cache.
import type { FastifyInstance } from 'fastify';
import { createAdmission } from '../booking/admission.ts';
import type { AppContext } from '../context.ts';
import type { Defect } from './ids.ts';

export interface LoadHandling {
  /** Installs what guards the booking plugin's writes (`app` is that plugin's instance). */
  guardBookingWrites(app: FastifyInstance, ctx: AppContext): void;
  /** An office calendar under `key` ("<officeId>|..."): from `read`, or from the cache of counters. */
  readCalendar<T>(ctx: AppContext, key: string, read: () => Promise<T>): Promise<T>;
}

export const overloadCollapse: Defect<LoadHandling> = {
  id: 'overload-collapse',
  gloss:
    'legacy admits every request and queries every calendar look; the fix sheds writes early and caches calendars',
  legacy: {
    guardBookingWrites: () => {},
    readCalendar: (_ctx, _key, read) => read(),
  },
  fix: {
    guardBookingWrites(app, ctx) {
      const admission = createAdmission(
        {
          maxInFlight: ctx.config.admissionMaxInFlight,
          maxQueueDelayMs: ctx.config.admissionMaxQueueDelayMs,
          maxDatabaseTimeMs: ctx.config.admissionMaxDatabaseTimeMs,
          maxEventLoopDelayMs: ctx.config.admissionMaxEventLoopDelayMs,
          retryAfterSeconds: ctx.config.admissionRetryAfterSeconds,
        },
        ctx.db,
        undefined,
        (reason) => ctx.metrics.admissionShed(reason),
      );
      // After authentication and validation (a malformed write is a 400, not "overloaded"), before the
      // rate limit and any database work.
      app.addHook('preHandler', admission.guard);
      app.addHook('onClose', (_instance, done) => {
        admission.stop();
        done();
      });
    },
    readCalendar: (ctx, key, read) => ctx.availability.through(key, read),
  },
};
