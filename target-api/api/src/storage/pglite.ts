// PGlite engine: PostgreSQL compiled to WASM, in-process, one connection (statements run one at a time).
import { setImmediate as nextTurnOfTheLoop } from 'node:timers/promises';
import { PGlite } from '@electric-sql/pglite';
import {
  type Database,
  HoldTime,
  isBackground,
  type LatencySource,
  type Queryable,
  type QueryResult,
  StandingQueue,
  sleep,
} from './database.ts';

/** A unit of work waiting for the connection. */
interface Unit {
  /** The standing queue's ticket: requests' units only. */
  ticket: number | undefined;
  enqueued: number;
  /** Runs the work and settles its caller's promise; never rejects. */
  run: () => Promise<void>;
}

/**
 * How long a background unit waits behind requests' units before it goes first: the background jobs
 * slow down behind a busy connection but never stop (the sweeper still expires unpaid bookings).
 */
const BACKGROUND_MAX_WAIT_MS = 1000;

export async function openPglite(
  dataDir: string | undefined,
  initialLatency: LatencySource,
): Promise<Database> {
  let latency = initialLatency;
  const db = dataDir ? new PGlite(dataDir) : new PGlite();
  await db.waitReady;
  const standingQueue = new StandingQueue();
  const holdTime = new HoldTime();
  const requests: Unit[] = [];
  const background: Unit[] = [];
  let busy = false;
  let running = false;

  const run = async <R>(target: Queryable | PGlite, sql: string, params?: readonly unknown[]) => {
    const extra = latency();
    if (extra > 0) await sleep(extra);
    const result = await (target as PGlite).query<R>(sql, params as unknown[] | undefined);
    return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length } as QueryResult<R>;
  };

  /** The requests' units first; a background unit goes first once it has waited its limit. */
  const nextUnit = (): Unit | undefined => {
    const oldest = background[0];
    const overdue = oldest !== undefined && performance.now() - oldest.enqueued > BACKGROUND_MAX_WAIT_MS;
    return overdue || requests.length === 0 ? background.shift() : requests.shift();
  };

  /**
   * Runs the queued units one after another on the one connection, until none is left. Each starts one
   * turn of the event loop after its predecessor (see `exclusive`), and is chosen only then, so a
   * request that arrived meanwhile goes before the background.
   */
  const serve = async () => {
    running = true;
    while (requests.length > 0 || background.length > 0) {
      await nextTurnOfTheLoop();
      const unit = nextUnit();
      if (!unit) continue;
      if (unit.ticket !== undefined) standingQueue.got(unit.ticket);
      busy = true;
      const began = performance.now();
      try {
        await unit.run();
      } finally {
        busy = false;
        holdTime.observe(performance.now() - began);
      }
    }
    running = false;
  };

  /**
   * One unit of work (a statement or a transaction) on the one connection at a time: the requests'
   * first come first served, the background's (inBackground) after them. PGlite's own lock would
   * serialise them too, but in its order and unmeasured; this queue's waits are measured (the standing
   * queue and the expected unit time of admission control count the requests' units only).
   *
   * PGlite runs statements synchronously on this thread and the next unit would start in a microtask:
   * without a yield, a queue of transactions runs back to back without ever returning to the event
   * loop (20 queued 8-statement transactions blocked it for 85 ms straight), and requests that are to
   * be shed wait unread behind the whole queue. So each unit starts one turn of the loop after its
   * predecessor, as a network round trip to PostgreSQL would: the loop reads sockets between units,
   * while a transaction's own statements run back to back and hold the connection only briefly.
   * (A yield before every statement held the connection across other requests' work: a booking
   * transaction of five statements then kept the queue standing through a quota rush's burst.)
   *
   * Behind a slow database the background's units (the jobs' passes, a scrape's gauges; the outbox's
   * have stayed among the requests' since, see app.ts) took most of
   * the connection's time in first-come order, and an admitted booking's later statements waited
   * behind them (slow-database --short, 3 Dec: 95 background units against 66 of bookings in 8 s).
   */
  const exclusive = <T>(work: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const inRequest = !isBackground();
      const unit: Unit = {
        ticket: inRequest ? standingQueue.enter() : undefined,
        enqueued: performance.now(),
        run: () => work().then(resolve, reject),
      };
      (inRequest ? requests : background).push(unit);
      if (!running) void serve();
    });

  return {
    engine: 'pglite',
    query: <R>(sql: string, params?: readonly unknown[]) => exclusive(() => run<R>(db, sql, params)),
    transaction: (work) =>
      exclusive(() =>
        db.transaction((tx) =>
          work({
            query: <R>(sql: string, params?: readonly unknown[]) =>
              run<R>(tx as unknown as Queryable, sql, params),
          }),
        ),
      ),
    exec: async (script) => {
      await exclusive(() => db.exec(script));
    },
    setLatencySource: (source) => {
      latency = source;
    },
    // One connection: busy while a unit of work runs, the rest wait in the queues above.
    poolStats: () => ({ size: 1, idle: busy ? 0 : 1, waiting: requests.length + background.length }),
    queueDelayMs: () => standingQueue.delayMs(),
    // One connection: a request's unit waits for the unit holding it and the requests' units queued
    // before it, then holds it itself, each for about the recent mean. (Without the unit in service the
    // estimate was a hold short, and behind 50 ms statements a booking was admitted whenever the queue
    // was momentarily empty: three in flight at once, admitted p95 377-439 ms and once over 500, 3 Dec.)
    expectedUnitMs: () => (requests.length + (busy ? 1 : 0) + 1) * holdTime.meanMs(),
    close: () => db.close(),
  };
}
