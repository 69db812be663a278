// The service keeps its invariant gauges and the payment-code deadline counter current on its own
// (INVARIANT_CHECK_MS), with nobody reading /admin/invariants: the API on PGlite (and, on the
// api-postgres pass, on the machine's PostgreSQL), its clock held by the test, rows written by SQL.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClock } from '../../../shared/clock.ts';
import { type TestDatabase, testDatabase } from '../../../test/support/database.ts';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';

const T0 = Date.parse('2026-03-02T01:00:00Z');
let now = T0;
let app: FastifyInstance;
let database: TestDatabase | undefined;

beforeAll(async () => {
  database = process.env.PASPOR_TEST_DB === 'postgres' ? await testDatabase('paspor_watch') : undefined;
  const config = loadConfig({
    INVARIANT_CHECK_MS: '50',
    LOG_LEVEL: 'warn',
    ...(database ? { DATABASE_URL: database.url } : {}),
  });
  app = await buildApp(config, { clock: createClock({ origin: T0, realNow: () => now, speed: 1 }) });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await database?.drop();
});

async function metric(line: RegExp): Promise<number | null> {
  const body = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  const match = line.exec(body);
  return match ? Number(match[1]) : null;
}

/** Polls the exposition until the value matches; the watch runs every 50 ms. */
async function eventually(line: RegExp, want: number): Promise<number | null> {
  let value: number | null = null;
  for (let i = 0; i < 100; i++) {
    value = await metric(line);
    if (value === want) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return value;
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('the invariant watch', () => {
  it('sets the violation gauge from the database without anyone calling /admin/invariants', async () => {
    const overCapacity = /^mpaspor_invariant_violations\{invariant="slot-over-capacity"\} (\d+)$/m;
    expect(await eventually(overCapacity, 0)).toBe(0);
    const db = app.pasporCtx.db;
    const slot = (await db.query<{ id: string }>('SELECT id FROM slots ORDER BY id LIMIT 1')).rows[0]?.id;
    await db.query('UPDATE slots SET taken = capacity + 1 WHERE id = $1', [slot]);
    expect(await eventually(overCapacity, 1)).toBe(1);
    await db.query('UPDATE slots SET taken = 0 WHERE id = $1', [slot]);
    expect(await eventually(overCapacity, 0)).toBe(0);
  });

  it('counts each booking once when its payment-code deadline passes: in time, or missed (late or never)', async () => {
    const db = app.pasporCtx.db;
    const slot = (await db.query<{ id: string }>('SELECT id FROM slots ORDER BY id LIMIT 1')).rows[0]?.id;
    await db.query(
      `INSERT INTO accounts (id, email, name, date_of_birth, gender, phone, password_hash, created_at)
       VALUES ('acc-watch', 'watch@example.id', 'Watch', '1990-01-01', 'F', '+62811', 'x', $1)`,
      [iso(T0)],
    );
    await db.query(
      `INSERT INTO applicants (id, account_id, nik, name, date_of_birth, gender, created_at)
       VALUES ('app-watch', 'acc-watch', '3171010101900001', 'Watch', '1990-01-01', 'F', $1)`,
      [iso(T0)],
    );
    // Created 1, 2 and 3 s after T0 (the objective is 30 s): a code after 4 s, none, a code after 37 s.
    const bookings: Array<[string, number, number | null]> = [
      ['b-in-time', 1_000, 5_000],
      ['b-never', 2_000, null],
      ['b-late', 3_000, 40_000],
    ];
    for (const [id, created, issued] of bookings) {
      await db.query(
        `INSERT INTO bookings (id, account_id, applicant_id, nik, slot_id, status, fee, passport_type, validity_years,
           application_type, purpose, created_at, issue_by, code_issued_at)
         VALUES ($1, 'acc-watch', 'app-watch', '3171010101900001', $2, 'CANCELLED', 350000, 'ELEKTRONIK', 10,
           'BARU', 'WISATA', $3, $3, $4)`,
        [id, slot, iso(T0 + created), issued === null ? null : iso(T0 + issued)],
      );
    }
    const inTime = /^mpaspor_payment_code_deadlines_total\{outcome="in_time"\} (\d+)$/m;
    const missed = /^mpaspor_payment_code_deadlines_total\{outcome="missed"\} (\d+)$/m;
    // Before the deadlines pass nothing is counted; the series exist at 0 from the start.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await metric(inTime)).toBe(0);
    expect(await metric(missed)).toBe(0);

    now = T0 + 60_000;
    expect(await eventually(missed, 2)).toBe(2);
    expect(await metric(inTime)).toBe(1);
    // Later passes cover later creation times: nothing is counted twice.
    await new Promise((resolve) => setTimeout(resolve, 300));
    now = T0 + 90_000;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await metric(inTime)).toBe(1);
    expect(await metric(missed)).toBe(2);
  });
});
