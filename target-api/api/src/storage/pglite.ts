// PGlite engine: PostgreSQL compiled to WASM, in-process, one connection (statements run one at a time).
import { setImmediate as nextTurnOfTheLoop } from 'node:timers/promises';
import { PGlite } from '@electric-sql/pglite';
import {
  type Database,
  type LatencySource,
  type Queryable,
  type QueryResult,
  StandingQueue,
  sleep,
} from './database.ts';

export async function openPglite(
  dataDir: string | undefined,
  initialLatency: LatencySource,
): Promise<Database> {
  let latency = initialLatency;
  const db = dataDir ? new PGlite(dataDir) : new PGlite();
  await db.waitReady;
  const standingQueue = new StandingQueue();
  let busy = false;
  let queued = 0;
  let tail: Promise<unknown> = Promise.resolve();

  const run = async <R>(target: Queryable | PGlite, sql: string, params?: readonly unknown[]) => {
    const extra = latency();
    if (extra > 0) await sleep(extra);
    const result = await (target as PGlite).query<R>(sql, params as unknown[] | undefined);
    return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length } as QueryResult<R>;
  };
  /**
   * One unit of work (a statement or a transaction) on the one connection at a time, first come first
   * served: PGlite's own lock would do the same, but this queue is ours, so its waits can be measured.
   *
   * PGlite runs statements synchronously on this thread and the next unit would start in a microtask:
   * without a yield, a queue of transactions runs back to back without ever returning to the event
   * loop (20 queued 8-statement transactions blocked it for 85 ms straight), and requests that are to
   * be shed wait unread behind the whole queue. So each unit starts one turn of the loop after its
   * predecessor, as a network round trip to PostgreSQL would: the loop reads sockets between units,
   * while a transaction's own statements run back to back and hold the connection only briefly.
   * (A yield before every statement held the connection across other requests' work: a booking
   * transaction of five statements then kept the queue standing through a quota rush's burst.)
   */
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const enqueued = performance.now();
    queued++;
    const turn = tail.then(async () => {
      await nextTurnOfTheLoop();
      queued--;
      standingQueue.observe(performance.now() - enqueued);
      busy = true;
      try {
        return await work();
      } finally {
        busy = false;
      }
    });
    tail = turn.catch(() => undefined);
    return turn;
  };

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
    // One connection: busy while a unit of work runs, the rest wait in the queue above.
    poolStats: () => ({ size: 1, idle: busy ? 0 : 1, waiting: queued }),
    queueDelayMs: () => standingQueue.delayMs(),
    close: () => db.close(),
  };
}
