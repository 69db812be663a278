// traceStorage on the API's real engines (PGlite in the unit project, PostgreSQL in api-postgres), with the
// SDK and an in-memory exporter.
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../api/src/storage/index.ts';
import { type TestDatabase, testDatabase } from '../test/support/database.ts';
import { traceStorage } from './storage-spans.ts';
import { startTracing, type Tracing, tracingConfigFromEnv, withSpan } from './tracing.ts';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let db: Database;
let server: TestDatabase | undefined;
const engine = process.env.PASPOR_TEST_DB === 'postgres' ? 'postgresql' : 'pglite';

beforeAll(async () => {
  tracing = startTracing(tracingConfigFromEnv('storage-test', { PASPOR_TRACE_DB_SPANS: 'true' }), [
    new SimpleSpanProcessor({ exporter }),
  ]);
  server = engine === 'postgresql' ? await testDatabase('paspor_storage_spans') : undefined;
  db = await openDatabase({ databaseUrl: server?.url, pgliteDataDir: undefined, poolSize: 2 });
});

afterAll(async () => {
  await db?.close();
  await server?.drop();
  await tracing?.shutdown();
});

describe('storage spans', () => {
  it('puts a span around each query and transaction inside a trace, with the statement but no values', async () => {
    const traced = traceStorage(db);
    const nik = '3174011501900001';
    await withSpan('booking.hold_seat', {}, async () => {
      await traced.query('SELECT $1::text AS nik', [nik]);
      await traced.transaction(async (tx) => {
        await tx.query('SELECT 1');
      });
    });
    const spans = exporter.getFinishedSpans();
    const hold = spans.find((s) => s.name === 'booking.hold_seat');
    const queries = spans.filter((s) => s.name === 'db.query');
    const transaction = spans.find((s) => s.name === 'db.transaction');
    expect(queries).toHaveLength(2);
    expect(queries[0]?.attributes).toMatchObject({
      'db.system.name': engine,
      'db.operation.name': 'SELECT',
      'db.query.text': 'SELECT $1::text AS nik',
    });
    expect(queries[0]?.parentSpanContext?.spanId).toBe(hold?.spanContext().spanId);
    expect(queries[1]?.parentSpanContext?.spanId).toBe(transaction?.spanContext().spanId);
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain(nik);
    // Everything else is the database itself.
    expect(traced.engine).toBe(db.engine);
    expect(traced.poolStats()).toEqual(db.poolStats());
  });

  it('makes no span for queries outside any trace (background polling)', async () => {
    exporter.reset();
    await traceStorage(db).query('SELECT 1');
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });
});
