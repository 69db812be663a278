// quota-hoarding: how many seats one account can hold (the touts', calo, trick). Legacy has no limit on
// applicants, active holds or booking attempts; the fix caps applicants per account and active holds per
// account and per NIK, rate-limits booking attempts per account, and takes one new booking per account
// at a time: a bot tapping "confirm" for ten NIKs at once gets one write and nine 429s, so its burst
// never becomes the database queue the ordinary applicants arriving beside it are shed behind.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { countApplicants } from '../applicants/store.ts';
import { holdLimitReached } from '../booking/refusals.ts';
import { lockAndCountActiveHolds } from '../booking/store.ts';
import type { ApiConfig } from '../config.ts';
import type { AppContext } from '../context.ts';
import { problems } from '../problem.ts';
import type { Queryable } from '../storage/index.ts';
import type { Defect } from './ids.ts';

export interface HoldLimits {
  /** Before adding an applicant: refuses past the per-account applicant limit. */
  checkApplicantLimit(ctx: AppContext, accountId: string): Promise<void>;
  /** The cheap early refusal, from the active counts read before the booking's transaction. */
  checkHolds(ctx: AppContext, active: { perAccount: number; perNik: number }): void;
  /** Inside the booking's transaction, before its row is written: the race-free cap. */
  lockHolds(ctx: AppContext, tx: Queryable, accountId: string): Promise<void>;
  /**
   * The same cap where the booking is written in one statement (quota-race's fix): the active bookings
   * the account may already hold, counted there under the account's lock; undefined for no cap.
   */
  capInWrite(ctx: AppContext): number | undefined;
  /** Counts booking attempts per account (`app` is the booking plugin, after @fastify/rate-limit). */
  attemptLimiter(app: FastifyInstance, config: ApiConfig): AttemptLimiter;
  /** How many new bookings one account may have in flight at once. */
  writeGate(config: ApiConfig): WriteGate;
}

/**
 * New booking writes in flight per account, in this process. `enter` says whether the write may start;
 * each write that entered calls `leave` once it is answered. A request carrying the Idempotency-Key of a
 * write in flight is a retry of that booking, not a new one: it enters (the key's own handling answers it).
 */
export interface WriteGate {
  enter(accountId: string, idempotencyKey: string | undefined): boolean;
  leave(accountId: string, idempotencyKey: string | undefined): void;
}

const OPEN_GATE: WriteGate = { enter: () => true, leave: () => {} };

/** The fix's gate: at most `limit` new writes per account at once; retries of those ride along. */
export function accountWriteGate(limit: number): WriteGate {
  const inFlight = new Map<string, { writes: number; keys: Map<string, number> }>();
  return {
    enter(accountId, key) {
      const account = inFlight.get(accountId) ?? { writes: 0, keys: new Map<string, number>() };
      const retry = key !== undefined && account.keys.has(key);
      if (!retry && account.writes >= limit) return false;
      account.writes++;
      if (key !== undefined) account.keys.set(key, (account.keys.get(key) ?? 0) + 1);
      inFlight.set(accountId, account);
      return true;
    },
    leave(accountId, key) {
      const account = inFlight.get(accountId);
      if (!account) return;
      const sameKey = key === undefined ? 0 : (account.keys.get(key) ?? 0);
      if (sameKey > 1) account.keys.set(key as string, sameKey - 1);
      else if (key !== undefined) account.keys.delete(key);
      account.writes--;
      if (account.writes <= 0) inFlight.delete(accountId);
    },
  };
}

/** Counts one booking attempt and says whether the account is past its limit. */
export type AttemptLimiter = (request: FastifyRequest) => Promise<AttemptCount>;

export interface AttemptCount {
  exceeded: boolean;
  /** The x-ratelimit-* headers of the answer. */
  headers: Record<string, string>;
  retryAfterSeconds: number;
}

const UNLIMITED: AttemptCount = { exceeded: false, headers: {}, retryAfterSeconds: 0 };

export const quotaHoarding: Defect<HoldLimits> = {
  id: 'quota-hoarding',
  gloss:
    'legacy lets one account hold any number of seats; the fix caps applicants, active holds and attempts per account',
  legacy: {
    checkApplicantLimit: async () => {},
    checkHolds: () => {},
    lockHolds: async () => {},
    capInWrite: () => undefined,
    attemptLimiter: () => async () => UNLIMITED,
    writeGate: () => OPEN_GATE,
  },
  fix: {
    async checkApplicantLimit(ctx, accountId) {
      if ((await countApplicants(ctx.db, accountId)) >= ctx.config.applicantLimit) {
        throw problems.conflict(
          'applicant-limit',
          'Applicant limit',
          `an account may have at most ${ctx.config.applicantLimit} applicants`,
        );
      }
    },
    checkHolds(ctx, active) {
      // The per-NIK cap is also what duplicate-submit's guard enforces; while that defect is on, counting
      // here too would hide it, so its variant decides whether the cap applies.
      ctx.variants.duplicateSubmit.refuseSecondBooking(active.perNik, ctx.config.maxActiveHoldsPerNik);
      if (active.perAccount >= ctx.config.maxActiveHoldsPerAccount) {
        throw holdLimitReached(ctx.config.maxActiveHoldsPerAccount);
      }
    },
    async lockHolds(ctx, tx, accountId) {
      // The account row stays locked while its active bookings are counted and the new one is written,
      // so a bot tapping for ten applicants at once cannot have all ten see "none held yet".
      if ((await lockAndCountActiveHolds(tx, accountId)) >= ctx.config.maxActiveHoldsPerAccount) {
        throw holdLimitReached(ctx.config.maxActiveHoldsPerAccount);
      }
    },
    capInWrite: (ctx) => ctx.config.maxActiveHoldsPerAccount,
    attemptLimiter(app, config) {
      const count = app.createRateLimit({
        max: config.bookingRateLimitPerMinute,
        timeWindow: 60_000,
        keyGenerator: (request) => request.accountId ?? request.ip,
      });
      return async (request) => {
        const counted = await count(request);
        if (counted.isAllowed) return UNLIMITED;
        return {
          exceeded: counted.isExceeded,
          headers: {
            'x-ratelimit-limit': String(counted.max),
            'x-ratelimit-remaining': String(counted.remaining),
            'x-ratelimit-reset': String(counted.ttlInSeconds),
          },
          retryAfterSeconds: Math.max(1, counted.ttlInSeconds),
        };
      };
    },
    writeGate: (config) => accountWriteGate(config.bookingWritesAtOncePerAccount),
  },
};
