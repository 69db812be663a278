// The one storage interface every feature uses: parameterised SQL in one dialect (PostgreSQL's), run by
// PGlite in-process or by PostgreSQL through a `pg` pool.

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
   * among the units of work that got one in the last completed interval (see StandingQueue).
   */
  queueDelayMs(): number;
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
 * the luckiest unit waiting. An interval in which nothing got a connection reads 0 (an idle database,
 * or one stuck on a single slow unit: the in-flight cap of admission control bounds that case).
 */
export class StandingQueue {
  readonly #intervalMs: number;
  readonly #now: () => number;
  #start: number;
  #min = Number.POSITIVE_INFINITY;
  #last = 0;

  constructor(intervalMs = 100, now: () => number = () => performance.now()) {
    this.#intervalMs = intervalMs;
    this.#now = now;
    this.#start = now();
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

  #roll(): void {
    const elapsed = this.#now() - this.#start;
    if (elapsed < this.#intervalMs) return;
    const justOne = elapsed < 2 * this.#intervalMs;
    // After a gap longer than an interval, the last completed interval saw nobody wait.
    this.#last = justOne && Number.isFinite(this.#min) ? this.#min : 0;
    this.#min = Number.POSITIVE_INFINITY;
    this.#start = justOne ? this.#start + this.#intervalMs : this.#now();
  }
}
