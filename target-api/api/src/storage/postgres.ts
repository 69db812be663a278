// PostgreSQL engine through a `pg` pool. Injected latency is spent while holding a connection, so the
// pool queues exactly as it would behind a slow database.
import pg from 'pg';
import {
  type Database,
  HoldTime,
  type LatencySource,
  type Queryable,
  type QueryResult,
  StandingQueue,
  sleep,
} from './database.ts';

/**
 * Statements are named, so each connection parses and plans a statement once and then only binds and
 * executes it: PostgreSQL's CPU per booking fell from about 3.1 to 1.5-2.2 ms in pgbench for the same
 * SQL (bench/pgbench/booking.sql, -M extended vs -M prepared), CPU this machine's two cores share
 * with the API. Only data statements (DDL runs once, at migration), and a bounded number of texts: a
 * text built from values (none today) would otherwise leave a prepared statement per value on every
 * connection.
 */
const PREPARABLE = /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i;
const MAX_NAMED_STATEMENTS = 500;

function statementNamer(): (sql: string) => string | undefined {
  const names = new Map<string, string>();
  return (sql) => {
    const known = names.get(sql);
    if (known !== undefined || !PREPARABLE.test(sql) || names.size >= MAX_NAMED_STATEMENTS) return known;
    const name = `paspor_${names.size}`;
    names.set(sql, name);
    return name;
  };
}

export async function openPostgres(
  url: string,
  poolSize: number,
  initialLatency: LatencySource,
): Promise<Database> {
  let latency = initialLatency;
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});

  const nameOf = statementNamer();
  const onClient = async <R>(client: pg.PoolClient, sql: string, params?: readonly unknown[]) => {
    const extra = latency();
    if (extra > 0) await sleep(extra);
    const result = await client.query({
      text: sql,
      values: params as unknown[] | undefined,
      name: nameOf(sql),
    });
    return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length } as QueryResult<R>;
  };

  const standingQueue = new StandingQueue();
  const holdTime = new HoldTime();
  const withClient = async <T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const ticket = standingQueue.enter();
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      standingQueue.gaveUp(ticket);
      throw error;
    }
    standingQueue.got(ticket);
    const began = performance.now();
    let broken: Error | undefined;
    try {
      return await work(client);
    } catch (error) {
      if ((error as { code?: string }).code === undefined) broken = error as Error;
      throw error;
    } finally {
      client.release(broken);
      holdTime.observe(performance.now() - began);
    }
  };

  await withClient((client) => client.query('SELECT 1'));

  return {
    engine: 'postgres',
    query: (sql, params) => withClient((client) => onClient(client, sql, params)),
    transaction: (work) =>
      withClient(async (client) => {
        await client.query('BEGIN');
        try {
          const tx: Queryable = { query: (sql, params) => onClient(client, sql, params) };
          const result = await work(tx);
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          throw error;
        }
      }),
    exec: async (script) => {
      await withClient((client) => client.query(script));
    },
    setLatencySource: (source) => {
      latency = source;
    },
    poolStats: () => ({ size: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    queueDelayMs: () => standingQueue.delayMs(),
    // Its wait (the pool's connections serve the waiters side by side) and its own hold.
    expectedUnitMs: () => (pool.waitingCount / poolSize + 1) * holdTime.meanMs(),
    close: () => pool.end(),
  };
}
