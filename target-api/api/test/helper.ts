// Test harness for the API suite. One database per test file, on the engine PASPOR_TEST_DB names:
// `pglite` (in-process, started once per file: it takes seconds) or `postgres` (a database of its own,
// created and dropped by this file, on DATABASE_URL's server). The billing side is the real billing
// simulator (target-api/billing-sim) listening on loopback, and notices come back to the API over HTTP.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { buildBillingSim, simConfig } from '../../billing-sim/src/index.ts';
import { freePort } from '../../serve.ts';
import type { Clock } from '../../shared/clock.ts';
import { signNotice } from '../../shared/notice-signature.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { AppContext } from '../src/context.ts';
import { type Database, openDatabase } from '../src/storage/index.ts';

export const ADMIN_TOKEN = 'test-admin-token';
export const NOTICE_SECRET = 'test-notice-secret';
export const ENGINE = process.env.PASPOR_TEST_DB === 'postgres' ? 'postgres' : 'pglite';
const SERVER_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/** A clock the test moves by hand; speed 1, so simulated and real delays are the same numbers. */
export interface ManualClock extends Clock {
  advance(ms: number): void;
}

export function manualClock(start = Date.parse('2026-03-02T01:00:00Z')): ManualClock {
  let t = start;
  return {
    speed: 1,
    now: () => t,
    date: () => new Date(t),
    toRealMs: (ms) => ms,
    advance(ms) {
      t += ms;
    },
  };
}

export { freePort };

export interface TestDatabase {
  db: Database;
  url: string | undefined;
  drop(): Promise<void>;
}

/** Opens (and migrates) this file's database; for PostgreSQL a fresh database named after a random id. */
export async function openTestDatabase(): Promise<TestDatabase> {
  if (ENGINE === 'pglite') {
    const db = await openDatabase({ databaseUrl: undefined, pgliteDataDir: undefined, poolSize: 1 });
    return { db, url: undefined, drop: () => db.close() };
  }
  const name = `paspor_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const db = await openDatabase({ databaseUrl: url.toString(), pgliteDataDir: undefined, poolSize: 10 });
  return {
    db,
    url: url.toString(),
    async drop() {
      // A test may have closed it already; the database must be dropped either way.
      await db.close().catch(() => {});
      const again = new pg.Client({ connectionString: SERVER_URL });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await again.end();
    },
  };
}

export interface AppOptions {
  profile?: 'legacy' | 'hardened';
  /** Comma list; when given it replaces the profile's set (e.g. 'quota-race' alone). */
  defects?: string;
  env?: Record<string, string>;
  clock?: Clock;
}

export interface Harness {
  db: Database;
  billingUrl: string;
  billing: FastifyInstance;
  /** Empties the tables and builds an app on this file's database (closing the previous one). */
  app(options?: AppOptions): Promise<{ app: FastifyInstance; ctx: AppContext }>;
  close(): Promise<void>;
}

export async function createHarness(): Promise<Harness> {
  const database = await openTestDatabase();
  const apiPort = await freePort();
  // The simulator tells the time of the app under test, as two services started with one CLOCK_EPOCH
  // do: a bill is paid at the API's (manual) now, so the notice's paidAt is plausible to the API.
  let appClock: Clock = manualClock();
  const sharedClock: Clock = {
    speed: 1,
    now: () => appClock.now(),
    date: () => new Date(appClock.now()),
    toRealMs: (ms) => ms,
  };
  const billing = buildBillingSim(
    simConfig({
      apiUrl: `http://127.0.0.1:${apiPort}`,
      noticeSecret: NOTICE_SECRET,
      adminToken: ADMIN_TOKEN,
      clock: sharedClock,
    }),
  );
  const billingUrl = await billing.listen({ host: '127.0.0.1', port: 0 });
  let current: FastifyInstance | undefined;
  return {
    db: database.db,
    billingUrl,
    billing,
    async app(options = {}) {
      if (current) await current.close();
      await resetDatabase(database.db);
      await billing.inject({
        method: 'DELETE',
        url: '/admin/faults',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      const env: Record<string, string> = {
        PROFILE: options.profile ?? 'hardened',
        ADMIN_TOKEN,
        NOTICE_SECRET,
        TOKEN_SECRET: 'test-token-secret',
        BILLING_URL: billingUrl,
        LOG_LEVEL: 'silent',
        BACKGROUND_JOBS: 'false',
        RELEASE_INITIAL_DAYS: '0',
        ...options.env,
      };
      if (options.defects !== undefined) env.DEFECTS = options.defects;
      const config = loadConfig(env, { port: apiPort });
      appClock = options.clock ?? manualClock();
      const app = await buildApp(config, { db: database.db, clock: appClock });
      await app.listen({ host: '127.0.0.1', port: apiPort });
      current = app;
      return { app, ctx: app.pasporCtx };
    },
    async close() {
      if (current) await current.close();
      await billing.close();
      await database.drop();
    },
  };
}

export async function resetDatabase(db: Database): Promise<void> {
  await db.exec(
    'TRUNCATE payment_notices, idempotency_keys, bookings, applicants, accounts, slots, release_events RESTART IDENTITY CASCADE',
  );
}

export const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Opens one slot of `capacity` seats (REGULER, PAGI) at Tanjung Uban on `date`. */
export async function openSlot(
  app: FastifyInstance,
  date: string,
  capacity: number,
  officeId = 'kanim-tanjung-uban',
) {
  const response = await app.inject({
    method: 'POST',
    url: '/admin/releases',
    headers: admin,
    payload: { officeId, dates: [date], capacity },
  });
  if (response.statusCode !== 201) throw new Error(`release failed: ${response.body}`);
}

export interface Seeded {
  accountId: string;
  email: string;
  token: string;
  applicants: { applicantId: string; nik: string }[];
}

export async function seed(
  app: FastifyInstance,
  accounts: number,
  applicantsPerAccount = 1,
): Promise<Seeded[]> {
  const response = await app.inject({
    method: 'POST',
    url: '/admin/seed',
    headers: admin,
    payload: { accounts, applicantsPerAccount },
  });
  if (response.statusCode !== 201) throw new Error(`seed failed: ${response.body}`);
  return response.json().accounts;
}

export function bookingBody(applicantId: string, date: string, extra: Record<string, unknown> = {}) {
  return {
    applicantId,
    officeId: 'kanim-tanjung-uban',
    date,
    session: 'PAGI',
    category: 'REGULER',
    passportType: 'E_PASPOR',
    validityYears: 10,
    applicationType: 'BARU',
    purpose: 'wisata',
    ...extra,
  };
}

export async function book(
  app: FastifyInstance,
  who: Seeded,
  date: string,
  headers: Record<string, string> = {},
  applicant = 0,
) {
  return app.inject({
    method: 'POST',
    url: '/v1/bookings',
    headers: { ...bearer(who.token), ...headers },
    payload: bookingBody(who.applicants[applicant]?.applicantId ?? '', date),
  });
}

export async function invariants(
  app: FastifyInstance,
): Promise<Record<string, number> & { _holds: { maxPerAccount: number } }> {
  const response = await app.inject({ method: 'GET', url: '/admin/invariants', headers: admin });
  if (response.statusCode !== 200) throw new Error(`invariants failed: ${response.body}`);
  const report = response.json();
  const byName = Object.fromEntries(
    report.invariants.map((i: { name: string; violations: number }) => [i.name, i.violations]),
  );
  return { ...byName, _holds: report.holds };
}

/** Sends a correctly signed notice, as the billing simulator would. */
export async function sendNotice(
  app: FastifyInstance,
  body: Record<string, unknown>,
  secret = NOTICE_SECRET,
) {
  const raw = JSON.stringify(body);
  const ts = Math.floor(Date.now() / 1000);
  return app.inject({
    method: 'POST',
    url: '/v1/payment-notices',
    headers: {
      'content-type': 'application/json',
      'x-signature': signNotice(secret, raw, ts),
      'x-signature-timestamp': String(ts),
    },
    payload: raw,
  });
}

export async function billingFaults(harness: Harness, billing: Record<string, unknown>) {
  const response = await harness.billing.inject({
    method: 'PUT',
    url: '/admin/faults',
    headers: admin,
    payload: { billing },
  });
  if (response.statusCode >= 300) throw new Error(`billing faults refused: ${response.body}`);
}

export async function payBill(harness: Harness, code: string) {
  return harness.billing.inject({
    method: 'POST',
    url: `/v1/bills/${code}/pay`,
    payload: { channel: 'ATM' },
  });
}

export async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The first two of a list, failing loudly when there are fewer (keeps tests free of `!`). */
export function pair<T>(items: T[]): [T, T] {
  const [first, second] = items;
  if (first === undefined || second === undefined) throw new Error('expected at least two items');
  return [first, second];
}
