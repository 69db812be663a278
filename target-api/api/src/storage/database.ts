// The one storage interface every feature uses: parameterised SQL in one dialect (PostgreSQL's), run by
// PGlite in-process or by PostgreSQL through a `pg` pool.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
}

export interface PoolStats {
  size: number;
  idle: number;
  waiting: number;
}

export type Engine = 'pglite' | 'postgres';

export interface Database extends Queryable {
  readonly engine: Engine;
  /** Runs `work` in one transaction: COMMIT when it resolves, ROLLBACK when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs a script of several statements (migrations). */
  exec(script: string): Promise<void>;
  poolStats(): PoolStats;
  /**
   * Milliseconds of standing queue in front of the connection(s): the shortest wait for a connection
   * among the units of work that got one in the last completed interval, or the wait of the oldest
   * unit still waiting when none got one (see StandingQueue).
   */
  queueDelayMs(): number;
  /**
   * Milliseconds a unit of work starting now can expect to take, its wait for a connection and its own
   * hold of it: the units already waiting (over the connections; on PGlite's one connection, the unit
   * in service too) and itself, times the recent mean time a unit holds a connection (see HoldTime). Unlike the standing queue it needs no completed interval,
   * and it grows with slow statements.
   */
  expectedUnitMs(): number;
  /** Where added latency (an environment fault) comes from; tests rewire it when apps share a database. */
  setLatencySource(source: LatencySource): void;
  close(): Promise<void>;
}

/** Added latency before each statement (an environment fault); returns 0 when none is active. */
export type LatencySource = () => number;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** PostgreSQL's unique-violation SQLSTATE, the same from both engines. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as { code?: string; constraint?: string; message?: string };
  if (e?.code !== '23505') return false;
  return constraint === undefined || e.constraint === constraint || (e.message ?? '').includes(constraint);
}

/**
 * CoDel's signal of a standing queue: the shortest wait for a connection among the units of work (a
 * statement or a transaction) that got one during the last completed interval. A burst leaves a queue
 * that drains within an interval, so someone in it waits next to nothing; a standing queue keeps even
 * the luckiest unit waiting. An interval in which nothing got a connection reads the age of the oldest
 * unit still waiting, or 0 if none waits: a database stuck on slow statements (every unit holding the
 * one PGlite connection for longer than an interval) leaves whole intervals without a dequeue while the
 * queue behind it grows, and that is the standing queue at its worst, not an idle database.
 */
export class StandingQueue {
  readonly #intervalMs: number;
  readonly #now: () => number;
  /** When each unit still waiting started to wait, oldest first (a Map keeps insertion order). */
  readonly #waiting = new Map<number, number>();
  #nextTicket = 0;
  #start: number;
  #min = Number.POSITIVE_INFINITY;
  #last = 0;

  constructor(intervalMs = 100, now: () => number = () => performance.now()) {
    this.#intervalMs = intervalMs;
    this.#now = now;
    this.#start = now();
  }

  /** A unit of work starts to wait for a connection; pass the ticket to `got` or `gaveUp`. */
  enter(): number {
    const ticket = this.#nextTicket++;
    this.#waiting.set(ticket, this.#now());
    return ticket;
  }

  /** The unit holding `ticket` got its connection. */
  got(ticket: number): void {
    const since = this.#waiting.get(ticket);
    if (since === undefined) return;
    this.#waiting.delete(ticket);
    this.observe(this.#now() - since);
  }

  /** The unit holding `ticket` stopped waiting without a connection (its request failed). */
  gaveUp(ticket: number): void {
    this.#waiting.delete(ticket);
  }

  /** A unit of work got its connection after waiting `waitMs`. */
  observe(waitMs: number): void {
    this.#roll();
    if (waitMs < this.#min) this.#min = waitMs;
  }

  /** The shortest wait of the last completed interval. */
  delayMs(): number {
    this.#roll();
    return this.#last;
  }

  #oldestWaitMs(): number {
    for (const since of this.#waiting.values()) return this.#now() - since;
    return 0;
  }

  #roll(): void {
    const elapsed = this.#now() - this.#start;
    if (elapsed < this.#intervalMs) return;
    const justOne = elapsed < 2 * this.#intervalMs;
    // After a gap longer than an interval, or an interval without a dequeue, what stands is the wait of
    // the oldest unit still in the queue (0 for an empty one).
    this.#last = justOne && Number.isFinite(this.#min) ? this.#min : this.#oldestWaitMs();
    this.#min = Number.POSITIVE_INFINITY;
    this.#start = justOne ? this.#start + this.#intervalMs : this.#now();
  }
}

/**
 * The recent mean time a unit of work holds a connection, weighted towards the latest units (an
 * exponentially weighted mean: each unit moves it a fifth of the way). Statements that slow down move
 * it within a few units; so does their recovery.
 */
export class HoldTime {
  readonly #weight: number;
  #mean = 0;
  #seen = false;

  constructor(weight = 0.2) {
    this.#weight = weight;
  }

  /** A unit of work held its connection for `ms`. */
  observe(ms: number): void {
    this.#mean = this.#seen ? this.#mean + this.#weight * (ms - this.#mean) : ms;
    this.#seen = true;
  }

  meanMs(): number {
    return this.#mean;
  }
}

const backgroundWork = new AsyncLocalStorage<true>();

/**
 * Runs `work` as background work (the passes of the sweeper, the invariant watch and the release
 * scheduler; the gauges a scrape reads; not the outbox's, which issues the codes applicants wait for):
 * on PGlite's one connection its units of work yield to the requests' (pglite.ts), so a slow database
 * spends its time on the applicants waiting for an answer first.
 */
export function inBackground<T>(work: () => Promise<T>): Promise<T> {
  return backgroundWork.run(true, work);
}

/** True inside `inBackground`. */
export function isBackground(): boolean {
  return backgroundWork.getStore() === true;
}
