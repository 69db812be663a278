// billing-fragile: how the payment code is issued. Legacy calls billing inline with no timeout and no
// retry, answers 500 on failure and keeps the seat; the fix tries once briefly inline and leaves the
// rest to the outbox worker (timeout, jittered retries, circuit breaker, release at the deadline).
import { traceCarrier } from '../../../telemetry/index.ts';
import type { BookingRecord } from '../booking/store.ts';
import type { BillingMode } from '../payments/billing-client.ts';
import { ProblemError } from '../problem.ts';
import type { Defect } from './ids.ts';

/** How a new booking is marked for the outbox worker. */
export interface OutboxMark {
  outbox: boolean;
  nextAttemptAt: Date | null;
  traceContext: string | null;
}

export interface CodeIssuance {
  /** The outbox columns of a new booking, given when the worker may first look at it. */
  outboxMark(firstAttemptAt: Date): OutboxMark;
  /**
   * Issues the code during the booking request. `attempt` calls billing in the given mode and stores the
   * code; the result is the booking as it then stands, or undefined when it is still HELD.
   */
  issueInline(
    attempt: (mode: BillingMode) => Promise<BookingRecord | undefined>,
  ): Promise<BookingRecord | undefined>;
}

export const billingFragile: Defect<CodeIssuance> = {
  id: 'billing-fragile',
  gloss:
    'legacy calls billing inline and answers 500 keeping the seat; the fix retries through an outbox and releases the seat',
  legacy: {
    outboxMark: () => ({ outbox: false, nextAttemptAt: null, traceContext: null }),
    async issueInline(attempt) {
      // On failure the client gets a 500, but the seat stays held by a booking that will never get
      // its code.
      try {
        return await attempt('legacy');
      } catch (error) {
        throw new ProblemError(
          500,
          'billing-failed',
          'Billing failed',
          `the payment code could not be issued: ${(error as Error).message}`,
        );
      }
    },
  },
  fix: {
    // The outbox worker issues the code later, outside this request: it continues this trace from here.
    outboxMark: (firstAttemptAt) => ({
      outbox: true,
      nextAttemptAt: firstAttemptAt,
      traceContext: traceCarrier().traceparent ?? null,
    }),
    async issueInline(attempt) {
      try {
        return await attempt('inline');
      } catch {
        // Left HELD for the outbox; the client polls GET /v1/bookings/:id.
        return undefined;
      }
    },
  },
};
