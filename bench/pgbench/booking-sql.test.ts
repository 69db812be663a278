// bench/pgbench/booking.sql is one booking's SQL as the API really sends it: a booking is made through the
// real API (routes, billing simulator over loopback HTTP) on a database that records every statement,
// and the recording must match the script statement for statement (values aside).

import { buildApp } from '@paspor-lab/target-api/api';
import { loadConfig } from '@paspor-lab/target-api/api/config';
import { buildBillingSim, simConfig } from '@paspor-lab/target-api/billing-sim';
import { recordStatements, type StatementLog } from '@paspor-lab/target-api/storage/recording';
import {
  ADMIN_TOKEN,
  bearer,
  bookingBody,
  freePort,
  manualClock,
  openSlot,
  openTestDatabase,
  seed,
  type TestDatabase,
} from '@paspor-lab/target-api/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBookingScript, statementShape } from '../support/pgbench.ts';

let database: TestDatabase;
let billing: FastifyInstance;
let app: FastifyInstance;
let log: StatementLog;

beforeAll(async () => {
  database = await openTestDatabase();
  const apiPort = await freePort();
  billing = buildBillingSim(
    simConfig({ apiUrl: `http://127.0.0.1:${apiPort}`, noticeSecret: 'n', adminToken: ADMIN_TOKEN }),
  );
  const billingUrl = await billing.listen({ host: '127.0.0.1', port: 0 });
  const recorded = recordStatements(database.db);
  log = recorded.log;
  const config = loadConfig(
    {
      PROFILE: 'hardened',
      ADMIN_TOKEN,
      NOTICE_SECRET: 'n',
      TOKEN_SECRET: 'test-token-secret',
      BILLING_URL: billingUrl,
      LOG_LEVEL: 'silent',
      BACKGROUND_JOBS: 'false',
      RELEASE_INITIAL_DAYS: '0',
    },
    { port: apiPort },
  );
  app = await buildApp(config, { db: recorded.db, clock: manualClock() });
  await app.listen({ host: '127.0.0.1', port: apiPort });
});

afterAll(async () => {
  await app?.close();
  await billing?.close();
  await database?.drop();
});

describe('bench/pgbench/booking.sql', () => {
  it('holds the statements the API sends for one hardened booking, in the same order', async () => {
    const [account] = await seed(app, 1);
    const date = '2026-03-09';
    await openSlot(app, date, 10);

    log.clear();
    const booked = await app.inject({
      method: 'POST',
      url: '/v1/bookings',
      headers: bearer(account?.token ?? ''),
      payload: bookingBody(account?.applicants[0]?.applicantId ?? '', date),
    });
    // 201: the code was issued inline, so the last statement (storing it) ran, as in the benchmark.
    expect(booked.statusCode).toBe(201);
    expect(log.statements.map(statementShape)).toEqual(readBookingScript().map(statementShape));
  });
});
