// PGlite engine: PostgreSQL compiled to WASM, in-process, one connection (statements run one at a time),
// on a worker thread of its own (pglite-worker.ts), so SQL runs beside the event loop, not on it.
//
// Measured with `BENCH_PHASES=pglite BENCH_PGLITE_RATE=40 npm run bench:api` (hardened, load average
// 11-17 on two cores, so CPU from /proc rather than rates): the busiest thread spent 11.0-11.1 ms per
// booking when PGlite ran on the main thread (the main thread itself), 8.3-8.7 ms on the worker thread
// (the main thread 4.8-5.8), so the per-core ceiling rose by about 30%, and the event loop keeps reading
// and shedding requests while SQL runs. The messages cost 1-3 ms more CPU per booking in total.
import { setImmediate as nextTurnOfTheLoop } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import {
  type Database,
  type LatencySource,
  type Queryable,
  type QueryResult,
  StandingQueue,
  sleep,
} from './database.ts';
import type { Answer, Question, Request } from './pglite-worker.ts';

/** The one connection: a statement with parameters, a script, and closing. */
interface Connection {
  query(sql: string, params: readonly unknown[] | undefined): Promise<QueryResult<unknown>>;
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

/** An error posted by the worker, made an Error again with its fields (code, constraint, ...). */
function revive(fields: Record<string, unknown>): Error {
  return Object.assign(new Error(String(fields.message ?? 'PGlite error')), fields);
}

async function onWorkerThread(dataDir: string | undefined): Promise<Connection> {
  const worker = new Worker(new URL('./pglite-worker.ts', import.meta.url), { workerData: { dataDir } });
  const pending = new Map<number, { resolve: (answer: Answer) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let failure: Error | undefined;
  const ready = new Promise<Answer>((resolve, reject) => pending.set(0, { resolve, reject }));
  worker.on('message', (answer: Answer) => {
    const waiting = pending.get(answer.id);
    pending.delete(answer.id);
    waiting?.resolve(answer);
  });
  const fail = (error: Error) => {
    failure = error;
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the PGlite worker exited (code ${code})`)));
  const call = (question: Question): Promise<Answer> => {
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    return new Promise<Answer>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...question, id } satisfies Request);
    });
  };
  const settled = (answer: Answer): QueryResult<unknown> => {
    if (!answer.ok) throw revive(answer.error);
    return { rows: answer.rows, rowCount: answer.rowCount };
  };
  settled(await ready);
  return {
    query: async (sql, params) =>
      settled(await call({ op: 'query', sql, params: params as unknown[] | undefined })),
    exec: async (sql) => {
      settled(await call({ op: 'exec', sql }));
    },
    async close() {
      settled(await call({ op: 'close' }));
      await worker.terminate();
    },
  };
}

export async function openPglite(
  dataDir: string | undefined,
  initialLatency: LatencySource,
): Promise<Database> {
  let latency = initialLatency;
  const connection = await onWorkerThread(dataDir);
  const standingQueue = new StandingQueue();
  let busy = false;
  let queued = 0;
  let tail: Promise<unknown> = Promise.resolve();

  const run = async <R>(sql: string, params?: readonly unknown[]) => {
    const extra = latency();
    if (extra > 0) await sleep(extra);
    return (await connection.query(sql, params)) as QueryResult<R>;
  };
  /**
   * One unit of work (a statement or a transaction) on the one connection at a time, first come first
   * served: PGlite's own lock would do the same, but this queue is ours, so its waits can be measured.
   *
   * When PGlite ran on the main thread its statements ran synchronously and the next unit would start
   * in a microtask: without a yield, a queue of transactions runs back to back without ever returning to the
   * event loop (20 queued 8-statement transactions blocked it for 85 ms straight), and requests that are
   * to be shed wait unread behind the whole queue. So each unit starts one turn of the loop after its
   * predecessor, as a network round trip to PostgreSQL would: the loop reads sockets between units,
   * while a transaction's own statements run back to back and hold the connection only briefly.
   * (A yield before every statement held the connection across other requests' work: a booking
   * transaction of five statements then kept the queue standing through a quota rush's burst.) On the
   * worker the answers arrive as messages, but the yield still puts one turn of the loop between units.
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
    query: <R>(sql: string, params?: readonly unknown[]) => exclusive(() => run<R>(sql, params)),
    transaction: (work) =>
      exclusive(async () => {
        await connection.query('BEGIN', undefined);
        try {
          const tx: Queryable = {
            query: <R>(sql: string, params?: readonly unknown[]) => run<R>(sql, params),
          };
          const result = await work(tx);
          await connection.query('COMMIT', undefined);
          return result;
        } catch (error) {
          await connection.query('ROLLBACK', undefined).catch(() => {});
          throw error;
        }
      }),
    exec: (script) => exclusive(() => connection.exec(script)),
    setLatencySource: (source) => {
      latency = source;
    },
    // One connection: busy while a unit of work runs, the rest wait in the queue above.
    poolStats: () => ({ size: 1, idle: busy ? 0 : 1, waiting: queued }),
    queueDelayMs: () => standingQueue.delayMs(),
    close: () => connection.close(),
  };
}
