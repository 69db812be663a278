// npm run bench:api: booking throughput and latency of the reference API on PostgreSQL, `hardened` then
// `legacy`, at the same fixed offered load, from one run.
//
// Open model: request i is due at start + i / rate whatever happened to earlier ones (a closed loop would
// slow down with the server and hide its queueing). Latency runs from the due time, so time spent queued
// in the client counts too (no coordinated omission).
//
// Environment: DATABASE_URL (server; default postgres://postgres@127.0.0.1:5432/postgres; a database is
// created per profile and dropped afterwards), BENCH_RATE (bookings per second, default 250),
// BENCH_SECONDS (default 10).
import { cpus, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import * as hdr from 'hdr-histogram-js';
import pg from 'pg';
import { Pool } from 'undici';
import type { Profile } from '../target-api/api/src/defects.ts';
import { startStack } from '../target-api/serve.ts';
import { type Booker, bookingBody, prepareBookers, type SlotChoice } from './support/bookers.ts';

const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const rate = Number(process.env.BENCH_RATE || 250);
const seconds = Number(process.env.BENCH_SECONDS || 10);
const requestTimeoutMs = 10_000;
const WARMUP_BOOKINGS = 50;

interface Result {
  profile: Profile;
  offered: number;
  achieved: number;
  /** Bookings taken (201 or 202) per second: the part of the throughput that did the job. */
  booked: number;
  p50: number;
  p99: number;
  statuses: Map<string, number>;
}

async function withDatabase<T>(name: string, work: (url: string) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return await work(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

/** One booking attempt: its HTTP status, or 'timeout/error' when no answer came. */
async function book(api: Pool, booker: Booker, slot: SlotChoice): Promise<string> {
  try {
    const response = await api.request({
      method: 'POST',
      path: '/v1/bookings',
      headers: { authorization: `Bearer ${booker.token}`, 'content-type': 'application/json' },
      body: bookingBody(booker, slot),
      headersTimeout: requestTimeoutMs,
      bodyTimeout: requestTimeoutMs,
    });
    await response.body.dump();
    return String(response.statusCode);
  } catch {
    return 'timeout/error';
  }
}

/** A few bookings at low concurrency first, so JIT compilation and pool start-up are not measured. */
async function warmUp(api: Pool, bookers: Booker[], slot: SlotChoice): Promise<void> {
  const chains = 5;
  await Promise.all(
    Array.from({ length: chains }, async (_, chain) => {
      for (let i = chain; i < bookers.length; i += chains) await book(api, bookers[i] as Booker, slot);
    }),
  );
}

async function offerLoad(api: Pool, bookers: Booker[], slot: SlotChoice, profile: Profile): Promise<Result> {
  const total = bookers.length;
  const histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
  const statuses = new Map<string, number>();
  const count = (key: string) => statuses.set(key, (statuses.get(key) ?? 0) + 1);
  const start = performance.now() + 50;
  let lastDone = start;
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const booker = bookers[i] as Booker;
    inFlight.push(
      (async () => {
        count(await book(api, booker, slot));
        const done = performance.now();
        lastDone = Math.max(lastDone, done);
        histogram.recordValue(Math.max(1, Math.round((done - due) * 1000)));
      })(),
    );
  }
  await Promise.all(inFlight);
  const elapsedSeconds = (lastDone - start) / 1000;
  const result: Result = {
    profile,
    offered: rate,
    // Answered with any HTTP status; requests that timed out or failed to connect do not count.
    achieved: (histogram.totalCount - (statuses.get('timeout/error') ?? 0)) / elapsedSeconds,
    booked: ((statuses.get('201') ?? 0) + (statuses.get('202') ?? 0)) / elapsedSeconds,
    p50: histogram.getValueAtPercentile(50) / 1000,
    p99: histogram.getValueAtPercentile(99) / 1000,
    statuses,
  };
  histogram.destroy();
  return result;
}

async function benchProfile(profile: Profile): Promise<Result> {
  return withDatabase(`paspor_bench_${process.pid}_${profile}`, async (databaseUrl) => {
    const stack = await startStack({
      profile,
      port: 0,
      billingPort: 0,
      databaseUrl,
      env: { LOG_LEVEL: 'warn' },
    });
    const api = new Pool(stack.apiUrl, { connections: 256, pipelining: 1 });
    try {
      const measured = rate * seconds;
      const { bookers, slot } = await prepareBookers(stack, api, measured + WARMUP_BOOKINGS);
      await warmUp(api, bookers.slice(measured, measured + WARMUP_BOOKINGS), slot);
      process.stderr.write(
        `${profile}: ${bookers.length} bookers seeded, ${WARMUP_BOOKINGS} warm-up bookings; offering ${rate}/s for ${seconds} s\n`,
      );
      return await offerLoad(api, bookers.slice(0, measured), slot, profile);
    } finally {
      await api.close();
      await stack.stop();
    }
  });
}

function table(results: Result[]): string {
  const rows = [
    ['profile', 'offered req/s', 'achieved req/s', 'booked/s', 'p50 ms', 'p99 ms', 'status codes'],
    ...results.map((r) => [
      r.profile,
      String(r.offered),
      r.achieved.toFixed(1),
      r.booked.toFixed(1),
      r.p50.toFixed(1),
      r.p99.toFixed(1),
      [...r.statuses.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([status, n]) => `${status}: ${n}`)
        .join(', '),
    ]),
  ];
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

if (!Number.isInteger(rate) || rate < 1 || !Number.isInteger(seconds) || seconds < 1) {
  process.stderr.write(
    'bench:api: BENCH_RATE and BENCH_SECONDS must be whole numbers >= 1, e.g. BENCH_RATE=250\n',
  );
  process.exit(2);
}
const loadStart = loadavg()[0]?.toFixed(1);
try {
  const results = [await benchProfile('hardened'), await benchProfile('legacy')];
  process.stdout.write(
    `POST /v1/bookings on PostgreSQL, open model, ${rate} req/s offered for ${seconds} s per profile (Node ${process.version})\n`,
  );
  // Figures depend on what else the machine runs; say so next to them.
  process.stdout.write(
    `machine: ${cpus().length} cores, load average ${loadStart} at start, ${loadavg()[0]?.toFixed(1)} at end\n`,
  );
  process.stdout.write(`${table(results)}\n`);
} catch (error) {
  process.stderr.write(`bench:api: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
