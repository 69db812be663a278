// A Database that writes down the text of every statement it is given, in order, then runs it on the
// real engine: how a test learns exactly which SQL one request sends (bench/pgbench/booking.sql is
// checked against it). A transaction is recorded as BEGIN, its statements, then COMMIT or ROLLBACK,
// whichever engine runs it (PGlite issues those itself, `pg` as statements).
import type { Database, Queryable } from './database.ts';

export interface StatementLog {
  /** The statement texts seen since the last `clear()`, parameters left as `$1`, `$2`, ... */
  readonly statements: readonly string[];
  clear(): void;
}

export function recordStatements(db: Database): { db: Database; log: StatementLog } {
  let statements: string[] = [];
  const recorded = (target: Queryable): Queryable['query'] =>
    ((sql: string, params?: readonly unknown[]) => {
      statements.push(sql);
      return target.query(sql, params);
    }) as Queryable['query'];
  const wrapped: Database = {
    get engine() {
      return db.engine;
    },
    query: recorded(db),
    transaction: async (work) => {
      statements.push('BEGIN');
      try {
        const result = await db.transaction((tx) => work({ query: recorded(tx) }));
        statements.push('COMMIT');
        return result;
      } catch (error) {
        statements.push('ROLLBACK');
        throw error;
      }
    },
    exec: (script) => {
      statements.push(script);
      return db.exec(script);
    },
    poolStats: () => db.poolStats(),
    queueDelayMs: () => db.queueDelayMs(),
    expectedUnitMs: () => db.expectedUnitMs(),
    setLatencySource: (source) => db.setLatencySource(source),
    close: () => db.close(),
  };
  return {
    db: wrapped,
    log: {
      get statements() {
        return statements;
      },
      clear() {
        statements = [];
      },
    },
  };
}
