// The booking API's bindings to telemetry, kept here so the API's own files change by one line each:
// the booking-attempt counter (outcome read from the answer), the billing client wrapped with its span
// and metrics, and the scrape-time sources of the slot and pending-code gauges.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { BookingOutcome, CircuitState, DomainMetrics, MetricSources, PoolStats } from './metrics.ts';
import { withSpan } from './tracing.ts';

const BOOKING_ROUTE = '/v1/bookings';
const UNKNOWN_OFFICE = 'unknown';

/**
 * Maps an answer of `POST /v1/bookings` to the outcome label; `body` is the serialised payload and
 * `replayed` says the API marked it `Idempotent-Replayed` (a retry's first answer, not a new booking).
 */
export function bookingOutcome(statusCode: number, body: string, replayed = false): BookingOutcome {
  if (statusCode === 201 || statusCode === 202) return replayed ? 'replayed' : 'booked';
  if (statusCode === 429 || statusCode === 503) return 'shed';
  if (statusCode >= 500) return 'error';
  if (statusCode === 409) {
    if (body.includes('problems/quota-exhausted')) return 'quota_exhausted';
    if (body.includes('problems/active-booking-exists')) return 'duplicate';
  }
  if (statusCode === 422 && body.includes('problems/idempotency-key-reused')) return 'duplicate';
  return 'rejected';
}

/**
 * An onSend hook counting booking attempts. The office label is taken from the body only when it names
 * a known office, so a client cannot grow the label set with made-up ids.
 */
export function bookingAttemptsHook(metrics: DomainMetrics, isOffice: (id: string) => boolean) {
  return function countBookingAttempt(
    request: FastifyRequest,
    reply: FastifyReply,
    payload: unknown,
    done: (err: null, payload: unknown) => void,
  ): void {
    if (request.method === 'POST' && request.routeOptions.url === BOOKING_ROUTE) {
      const officeId = (request.body as { officeId?: unknown } | undefined)?.officeId;
      const office = typeof officeId === 'string' && isOffice(officeId) ? officeId : UNKNOWN_OFFICE;
      const body = reply.statusCode === 409 || reply.statusCode === 422 ? String(payload) : '';
      const replayed = reply.getHeader('idempotent-replayed') === 'true';
      metrics.bookingAttempt(office, bookingOutcome(reply.statusCode, body, replayed));
    }
    done(null, payload);
  };
}

/** The part of the API's billing client that telemetry wraps. */
export interface BillingClientLike {
  issueBill(input: { bookingId: string; amount: number; payBy: string }, mode: string): Promise<unknown>;
  checkBill(billingCode: string): Promise<unknown>;
  circuitState(): 'closed' | 'open' | 'half-open';
}

function billingOutcome(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  if (code === 'ERR_BILLING_UNAVAILABLE') return 'unavailable';
  if (code === 'ERR_BILLING_STATUS') return 'rejected';
  return 'error';
}

const circuitOf: Record<ReturnType<BillingClientLike['circuitState']>, CircuitState> = {
  closed: 'closed',
  open: 'open',
  'half-open': 'half_open',
};

/**
 * The billing client with a `billing.issue_code` / `billing.check_bill` span around each call and the
 * billing metrics (requests by outcome, duration, circuit state) recorded after it.
 */
export function instrumentBilling<T extends BillingClientLike>(client: T, metrics: DomainMetrics): T {
  const measured = async <R>(name: string, mode: string, work: () => Promise<R>): Promise<R> =>
    withSpan(name, { 'billing.mode': mode }, async () => {
      const started = performance.now();
      let outcome = 'ok';
      try {
        return await work();
      } catch (error) {
        outcome = billingOutcome(error);
        throw error;
      } finally {
        metrics.billingRequest(outcome, (performance.now() - started) / 1000);
        metrics.circuitState(circuitOf[client.circuitState()]);
      }
    });
  return {
    ...client,
    issueBill: (input: Parameters<T['issueBill']>[0], mode: string) =>
      measured('billing.issue_code', mode, () => client.issueBill(input, mode)),
    checkBill: (billingCode: string) =>
      measured('billing.check_bill', 'check', () => client.checkBill(billingCode)),
  };
}

/** What the gauges' sources read from: the API's database. */
export interface GaugeDatabase {
  query<R>(sql: string, params?: readonly unknown[]): Promise<{ rows: R[] }>;
  poolStats(): PoolStats;
}

/**
 * Scrape-time sources: the pool, the open release window (slots dated today or later, summed per
 * office) and the bookings still waiting for a code.
 */
export function bookingApiSources(db: GaugeDatabase, today: () => string): MetricSources {
  return {
    poolStats: () => db.poolStats(),
    async slotLevels() {
      const { rows } = await db.query<{ office_id: string; capacity: number; taken: number }>(
        `SELECT office_id, sum(capacity)::int AS capacity, sum(taken)::int AS taken
         FROM slots WHERE date >= $1 GROUP BY office_id`,
        [today()],
      );
      return rows.map((row) => ({ office: row.office_id, capacity: row.capacity, taken: row.taken }));
    },
    async codesPending() {
      const { rows } = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM bookings WHERE status = 'HELD'",
      );
      return rows[0]?.n ?? 0;
    },
  };
}
