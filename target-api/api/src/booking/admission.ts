// Admission control (overload-collapse's fix): a booking write is refused at once with 503 and
// Retry-After when the service is already past what it can serve in time, instead of joining a queue
// that only grows until everything times out.
//
// The decision runs in the booking plugin's first preHandler hook: after authentication and validation,
// so a malformed or unauthenticated write is told what is wrong (400, 401) rather than "overloaded", and
// before any database work. The refusal is a tiny body assembled from precomputed parts: a shed answer
// must stay cheap precisely when the process has no time to spare. Four signals, any one sheds:
// - a standing queue for the database (CoDel's signal: even the luckiest unit of work in the last
//   100 ms waited longer than the target). A burst that drains within an interval is served, not shed;
// - the time a unit of database work started now can expect to take (the units queued before it and
//   itself, times their recent mean hold of a connection). A booking is a few such units in a row, so
//   this is what its latency is made of: statements that slow down make every unit cost more, and
//   this sheds at once what the standing queue would see only an interval later, after admitting it;
// - event-loop delay: the process itself is short of CPU (on this 2-core machine the load runner and
//   the API compete for it);
// - a hard cap on booking writes in flight, for what the two above cannot see (a database stuck on
//   one slow statement reads as no queue at all).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_BASE, PROBLEM_CONTENT_TYPE, traceIdOf } from '../problem.ts';

export interface AdmissionPolicy {
  /** Booking writes allowed in flight at once; the next one is shed. */
  maxInFlight: number;
  /** Standing queue for the database (ms) above which every new booking write is shed. */
  maxQueueDelayMs: number;
  /** Expected time of a unit of database work (ms) above which every new booking write is shed. */
  maxDatabaseTimeMs: number;
  /** Recent event-loop delay (ms) above which every new booking write is shed. */
  maxEventLoopDelayMs: number;
  /** Seconds a shed client is told to wait (Retry-After). */
  retryAfterSeconds: number;
}

/** What admission control reads at each booking write. */
export interface LoadSignals {
  inFlight: number;
  queueDelayMs: number;
  databaseTimeMs: number;
  eventLoopDelayMs: number;
}

export type ShedReason = 'in-flight' | 'queue-delay' | 'database-time' | 'event-loop-delay';

/** The admission rule itself, pure: why a new booking write is shed, or undefined to admit it. */
export function shedReason(signals: LoadSignals, policy: AdmissionPolicy): ShedReason | undefined {
  if (signals.inFlight >= policy.maxInFlight) return 'in-flight';
  if (signals.queueDelayMs > policy.maxQueueDelayMs) return 'queue-delay';
  if (signals.databaseTimeMs > policy.maxDatabaseTimeMs) return 'database-time';
  if (signals.eventLoopDelayMs > policy.maxEventLoopDelayMs) return 'event-loop-delay';
  return undefined;
}

/**
 * Measures event-loop delay as the lateness of a short repeating timer and reports the median lateness
 * of the last few ticks. The median ignores a lone stall (a major GC, say): the requests that queued
 * behind it are already late, and shedding them would only turn them into slow refusals. Sustained
 * overload makes every tick late, and the median follows within a window.
 */
export class EventLoopDelayMonitor {
  readonly #tickMs: number;
  readonly #samples: number[];
  #next = 0;
  #last: number;
  #timer: NodeJS.Timeout;

  constructor(tickMs = 20, windowTicks = 5) {
    this.#tickMs = tickMs;
    this.#samples = new Array<number>(windowTicks).fill(0);
    this.#last = performance.now();
    this.#timer = setInterval(() => this.#tick(), tickMs);
    // The monitor never keeps the process (or a test) alive on its own.
    this.#timer.unref();
  }

  #tick(): void {
    const now = performance.now();
    this.#samples[this.#next] = Math.max(0, now - this.#last - this.#tickMs);
    this.#next = (this.#next + 1) % this.#samples.length;
    this.#last = now;
  }

  /** Median lateness (ms) of the timer over the window. */
  delayMs(): number {
    return medianOf(this.#samples);
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

/** The median of a few numbers (the window is small: sorting a copy is cheaper than anything clever). */
export function medianOf(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route is a booking write guarded by admission control. */
    admission?: boolean;
  }
}

export interface Admission {
  /** The hook (callback style, for onRequest or preHandler) that admits or sheds a booking write. */
  guard(request: FastifyRequest, reply: FastifyReply, done: () => void): void;
  inFlight(): number;
  shed(): Record<ShedReason, number>;
  stop(): void;
}

export function createAdmission(
  policy: AdmissionPolicy,
  database: { queueDelayMs(): number; expectedUnitMs(): number },
  monitor = new EventLoopDelayMonitor(),
  onShed: (reason: ShedReason) => void = () => {},
): Admission {
  let inFlight = 0;
  const shed: Record<ShedReason, number> = {
    'in-flight': 0,
    'queue-delay': 0,
    'database-time': 0,
    'event-loop-delay': 0,
  };
  const retryAfter = String(policy.retryAfterSeconds);
  // The problem+json body, all but the trace id, built once.
  const bodyStart = JSON.stringify({
    type: `${PROBLEM_BASE}overloaded`,
    title: 'Service unavailable',
    status: 503,
    detail: 'the booking service is at capacity; retry after the indicated delay',
  }).replace(/}$/, ',"traceId":"');
  const bodyEnd = '"}';
  const release = () => {
    inFlight--;
  };

  return {
    // Callback-style hooks: no promise per request on the hot path.
    guard(request, reply, done) {
      if (request.routeOptions.config.admission !== true) return done();
      const reason = shedReason(
        {
          inFlight,
          queueDelayMs: database.queueDelayMs(),
          databaseTimeMs: database.expectedUnitMs(),
          eventLoopDelayMs: monitor.delayMs(),
        },
        policy,
      );
      if (reason === undefined) {
        inFlight++;
        // 'close' fires once for every response, sent or abandoned by a client that gave up, so the
        // slot is always given back (Fastify's onResponse is skipped when the socket is already gone).
        reply.raw.once('close', release);
        return done();
      }
      shed[reason]++;
      onShed(reason);
      reply
        .code(503)
        .header('retry-after', retryAfter)
        .header('content-type', PROBLEM_CONTENT_TYPE)
        .send(bodyStart + traceIdOf(request) + bodyEnd);
    },
    inFlight: () => inFlight,
    shed: () => ({ ...shed }),
    stop: () => monitor.stop(),
  };
}
