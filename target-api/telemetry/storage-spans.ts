// Spans around storage calls, the same for both engines (PGlite has no driver to instrument, and
// patching `pg` under ESM needs a loader hook): `db.query` and `db.transaction`, with the operation and
// the parameterised statement (values never appear: they stay in the parameters).
import { trace } from '@opentelemetry/api';
import { tracingActive, tracingDbSpans, withSpan } from './tracing.ts';

interface QueryableLike {
  query(sql: string, params?: readonly unknown[]): Promise<unknown>;
}

interface DatabaseLike extends QueryableLike {
  readonly engine: string;
  transaction<T>(work: (tx: QueryableLike) => Promise<T>): Promise<T>;
}

const SYSTEM: Record<string, string> = { postgres: 'postgresql', pglite: 'pglite' };

function traced<Q extends QueryableLike>(queryable: Q, system: string): Q['query'] {
  return ((sql: string, params?: readonly unknown[]) => {
    // Only inside a trace: background loops polling the database would otherwise make a root span each.
    if (!trace.getActiveSpan()) return queryable.query(sql, params);
    return withSpan(
      'db.query',
      {
        'db.system.name': system,
        'db.operation.name': sql.trimStart().split(/\s/, 1)[0]?.toUpperCase() ?? '',
        'db.query.text': sql,
      },
      () => queryable.query(sql, params),
    );
  }) as Q['query'];
}

/**
 * The database with a span per storage call when tracing runs with PASPOR_TRACE_DB_SPANS=true; the same
 * object otherwise, so the switch costs nothing when off.
 */
export function traceStorage<D extends DatabaseLike>(db: D): D {
  if (!tracingActive() || !tracingDbSpans()) return db;
  const system = SYSTEM[db.engine] ?? db.engine;
  const query = traced(db, system);
  const transaction = <T>(work: (tx: QueryableLike) => Promise<T>) =>
    withSpan('db.transaction', { 'db.system.name': system }, () =>
      db.transaction((tx) => work({ query: traced(tx, system) })),
    );
  return new Proxy(db, {
    get(target, property) {
      if (property === 'query') return query;
      if (property === 'transaction') return transaction;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
