// npm run bench:api: booking throughput, latency and CPU cost of the reference API, against pgbench running
// the same SQL, from one run. Phases, each on a fresh database and a fresh stack:
//   1. hardened on PostgreSQL at BENCH_RATE: the bookings/s it sustains when offered more (its knee);
//   2. hardened on PostgreSQL at 80% of that knee: p99 and CPU per booking where it is not shedding;
//   3. legacy on PostgreSQL at BENCH_RATE (the defect: no shedding, latency runs away);
//   4. hardened on PGlite (the embedded default) at BENCH_PGLITE_RATE;
//   5. pgbench with bench/pgbench/booking.sql, the API's statements for one booking, 10 clients.
// Then the goals table of issue 12 with the measured figures.
//
// CPU is read from /proc (user + system of the API process; of PostgreSQL's backends for the run's
// database), so it holds on a machine shared with other work; rates and latencies do not, and the output
// prints the load average next to them.
//
// Open model: request i is due at start + i / rate whatever happened to earlier ones (a closed loop would
// slow down with the server and hide its queueing). Latency runs from the due time, so time spent queued
// in the client counts too (no coordinated omission).
//
// Environment: DATABASE_URL (server; default postgres://postgres@127.0.0.1:5432/postgres; a database is
// created per phase and dropped afterwards), BENCH_RATE (bookings per second offered in phases 1 and 3,
// default 400), BENCH_PGLITE_RATE (phase 4, default BENCH_RATE), BENCH_SECONDS (per phase, default 10),
// BENCH_PHASES (a comma list of knee,eighty,legacy,pglite,pgbench; default all; without knee, eighty
// takes the knee from BENCH_KNEE), BENCH_CPU_PROF=<dir> (run the API under `node --cpu-prof`, profiles in <dir>; the measured window of
// each phase is printed for bench/support/profile-summary.ts).
import { cpus, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { startStack } from '@paspor-lab/target-api';
import type { Profile } from '@paspor-lab/target-api/defects';
import * as hdr from 'hdr-histogram-js';
import pg from 'pg';
import { Pool } from 'undici';
import { type Booker, bookingBody, prepareBookers, type SlotChoice } from './support/bookers.ts';
import { type PgbenchResult, runPgbench } from './support/pgbench.ts';
import { busiestThread, cpuMs, cpuMsOf, msSinceStart, threadCpuMs } from './support/proc-cpu.ts';

const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const rate = Number(process.env.BENCH_RATE || 400);
const pgliteRate = Number(process.env.BENCH_PGLITE_RATE || rate);
const seconds = Number(process.env.BENCH_SECONDS || 10);
const profileDir = process.env.BENCH_CPU_PROF;
const PGBENCH_CLIENTS = 10;
const PHASES = ['knee', 'eighty', 'legacy', 'pglite', 'pgbench'];
const wanted = new Set((process.env.BENCH_PHASES || PHASES.join(',')).split(',').map((p) => p.trim()));
const requestTimeoutMs = 10_000;
const WARMUP_BOOKINGS = 50;

interface Phase {
  key: string;
  label: string;
  profile: Profile;
  engine: 'postgres' | 'pglite';
  rate: number;
}

interface Result {
  phase: Phase;
  offered: number;
  /** Requests answered with any HTTP status. */
  answered: number;
  achieved: number;
  /** Bookings taken (201 or 202) per second: the part of the throughput that did the job. */
  booked: number;
  p50: number;
  p99: number;
  statuses: Map<string, number>;
  /** Milliseconds of the API process's CPU per booking taken (all its work in the window, shed too). */
  apiCpuPerBooking: number;
  apiCpuPerRequest: number;
  /** The same for the API's main thread alone, the event loop's: what caps its bookings/s. */
  loopCpuPerBooking: number;
  /** The API's busiest thread in the window and its CPU per booking (the PGlite worker, say). */
  busiestThread: { name: string; msPerBooking: number } | undefined;
  /** Milliseconds of CPU of PostgreSQL's backends for this database per booking taken. */
  databaseCpuPerBooking: number | undefined;
}

type LoadResult = Omit<
  Result,
  'apiCpuPerBooking' | 'apiCpuPerRequest' | 'loopCpuPerBooking' | 'busiestThread' | 'databaseCpuPerBooking'
>;

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

async function offerLoad(api: Pool, bookers: Booker[], slot: SlotChoice, phase: Phase): Promise<LoadResult> {
  const { rate } = phase;
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
  // Answered with any HTTP status; requests that timed out or failed to connect do not count.
  const answered = histogram.totalCount - (statuses.get('timeout/error') ?? 0);
  const result: LoadResult = {
    phase,
    offered: rate,
    answered,
    achieved: answered / elapsedSeconds,
    booked: ((statuses.get('201') ?? 0) + (statuses.get('202') ?? 0)) / elapsedSeconds,
    p50: histogram.getValueAtPercentile(50) / 1000,
    p99: histogram.getValueAtPercentile(99) / 1000,
    statuses,
  };
  histogram.destroy();
  return result;
}

/** The API's server-side processes on PostgreSQL: the backends connected to `database`. */
async function backendPids(admin: pg.Client, database: string): Promise<number[]> {
  const { rows } = await admin.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
    [database],
  );
  return rows.map((row) => row.pid);
}

async function benchPhase(phase: Phase): Promise<Result> {
  const run = async (databaseUrl: string | undefined, admin: pg.Client | undefined, database: string) => {
    const stack = await startStack({
      profile: phase.profile,
      port: 0,
      billingPort: 0,
      // '' and not undefined: PGlite even when the shell exports DATABASE_URL.
      databaseUrl: databaseUrl ?? '',
      // On a machine shared with other work, starting the API (PGlite's WASM, module loading) has taken
      // 46 s: a slow start only delays the benchmark, it is not measured.
      readyTimeoutMs: 180_000,
      // Telemetry as shipped: access log at info, tracing on without an exporter, metrics.
      env: {
        ...(profileDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } : {}),
      },
    });
    const api = new Pool(stack.apiUrl, { connections: 256, pipelining: 1 });
    try {
      const measured = phase.rate * seconds;
      const { bookers, slot } = await prepareBookers(stack, api, measured + WARMUP_BOOKINGS);
      await warmUp(api, bookers.slice(measured, measured + WARMUP_BOOKINGS), slot);
      process.stderr.write(
        `${phase.label}: ${bookers.length} bookers seeded, ${WARMUP_BOOKINGS} warm-up bookings; offering ${phase.rate}/s for ${seconds} s\n`,
      );
      const apiPid = stack.pids().api;
      const backendsBefore = admin ? cpuMsOf(await backendPids(admin, database)) : new Map<number, number>();
      const apiBefore = cpuMs(apiPid) ?? 0;
      const loopBefore = cpuMs(apiPid, true) ?? 0;
      const threadsBefore = threadCpuMs(apiPid);
      const windowFrom = msSinceStart(apiPid);
      const result = await offerLoad(api, bookers.slice(0, measured), slot, phase);
      const apiCpu = (cpuMs(apiPid) ?? 0) - apiBefore;
      const loopCpu = (cpuMs(apiPid, true) ?? 0) - loopBefore;
      const busiest = busiestThread(threadsBefore, threadCpuMs(apiPid));
      const windowTo = msSinceStart(apiPid);
      let databaseCpu: number | undefined;
      if (admin) {
        databaseCpu = 0;
        for (const [pid, after] of cpuMsOf(await backendPids(admin, database)))
          databaseCpu += after - (backendsBefore.get(pid) ?? 0);
      }
      if (profileDir && windowFrom !== undefined && windowTo !== undefined)
        process.stderr.write(
          `${phase.label}: API pid ${apiPid}, measured window ${windowFrom.toFixed(0)}-${windowTo.toFixed(0)} ms after its start (node bench/support/profile-summary.ts ${profileDir}/CPU.*.${apiPid}.*.cpuprofile --from-ms ${windowFrom.toFixed(0)} --to-ms ${windowTo.toFixed(0)})\n`,
        );
      const bookings = (result.statuses.get('201') ?? 0) + (result.statuses.get('202') ?? 0);
      return {
        ...result,
        apiCpuPerBooking: bookings > 0 ? apiCpu / bookings : Number.NaN,
        apiCpuPerRequest: apiCpu / Math.max(1, result.answered),
        loopCpuPerBooking: bookings > 0 ? loopCpu / bookings : Number.NaN,
        busiestThread:
          busiest && bookings > 0
            ? { name: busiest.tid === apiPid ? 'main' : busiest.name, msPerBooking: busiest.ms / bookings }
            : undefined,
        databaseCpuPerBooking:
          databaseCpu === undefined || bookings === 0 ? undefined : databaseCpu / bookings,
      };
    } finally {
      await api.close();
      await stack.stop();
    }
  };
  const name = `paspor_bench_${process.pid}_${phase.key}`;
  if (phase.engine === 'pglite') return run(undefined, undefined, name);
  return withDatabase(name, async (url) => {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      return await run(url, admin, name);
    } finally {
      await admin.end();
    }
  });
}

/** Rows of cells as aligned columns. */
function columns(rows: string[][]): string {
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

const ms = (value: number | undefined) =>
  value === undefined || Number.isNaN(value) ? '-' : value.toFixed(2);

function table(results: Result[]): string {
  return columns([
    [
      'phase',
      'offered/s',
      'answered/s',
      'booked/s',
      'p50 ms',
      'p99 ms',
      'API CPU ms/booking',
      'API CPU ms/request',
      'main thread ms/booking',
      'busiest thread ms/booking',
      'PG CPU ms/booking',
      'status codes',
    ],
    ...results.map((r) => [
      r.phase.label,
      String(r.offered),
      r.achieved.toFixed(1),
      r.booked.toFixed(1),
      r.p50.toFixed(1),
      r.p99.toFixed(1),
      ms(r.apiCpuPerBooking),
      ms(r.apiCpuPerRequest),
      ms(r.loopCpuPerBooking),
      r.busiestThread ? `${r.busiestThread.msPerBooking.toFixed(2)} (${r.busiestThread.name})` : '-',
      ms(r.databaseCpuPerBooking),
      [...r.statuses.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([status, n]) => `${status}: ${n}`)
        .join(', '),
    ]),
  ]);
}

/** Issue 12's goals with this run's figures: now (2 Dec), floor, goal, measured, and which it meets. */
function goals(knee: Result, atEighty: Result, pglite: Result, pgbenchTps: number): string {
  const verdict = (value: number, floor: number, goal: number, lowerIsBetter: boolean) => {
    const meets = (bound: number) => (lowerIsBetter ? value <= bound : value >= bound);
    return meets(goal) ? 'goal met' : meets(floor) ? 'floor met' : 'below floor';
  };
  const share = knee.booked / pgbenchTps;
  return columns([
    ['figure', 'now (2 Dec)', 'floor', 'goal', 'measured', 'verdict'],
    [
      "hardened booked/s as a share of pgbench's rate for the same SQL, PostgreSQL",
      '~6%',
      '30%',
      '50%',
      `${(share * 100).toFixed(1)}% (${knee.booked.toFixed(0)} / ${pgbenchTps.toFixed(0)})`,
      verdict(share, 0.3, 0.5, false),
    ],
    [
      'hardened p99 at 80% of its knee, PostgreSQL',
      '-',
      '250 ms',
      '100 ms',
      `${atEighty.p99.toFixed(0)} ms at ${atEighty.offered}/s`,
      verdict(atEighty.p99, 250, 100, true),
    ],
    [
      'API CPU per booking, PostgreSQL (at 80% of the knee)',
      '~2.6 ms/request (mix)',
      '1 ms',
      '0.5 ms',
      `${ms(atEighty.apiCpuPerBooking)} ms`,
      verdict(atEighty.apiCpuPerBooking, 1, 0.5, true),
    ],
    [
      'hardened bookings/s on PGlite',
      '~57/s',
      '200/s',
      '400/s',
      `${pglite.booked.toFixed(0)}/s at ${pglite.offered}/s offered`,
      verdict(pglite.booked, 200, 400, false),
    ],
    [
      'short quota-rush burst holding on hardened',
      '20/s',
      '200/s',
      '500/s',
      'not measured here: paspor-lab run quota-rush --short',
      '-',
    ],
  ]);
}

const wholeNumber = (value: number) => Number.isInteger(value) && value >= 1;
const unknownPhase = [...wanted].find((p) => !PHASES.includes(p));
if (unknownPhase !== undefined) {
  process.stderr.write(
    `bench:api: no phase "${unknownPhase}" in BENCH_PHASES; phases: ${PHASES.join(',')}\n`,
  );
  process.exit(2);
}
if (!wholeNumber(rate) || !wholeNumber(pgliteRate) || !wholeNumber(seconds)) {
  process.stderr.write(
    'bench:api: BENCH_RATE, BENCH_PGLITE_RATE and BENCH_SECONDS must be whole numbers >= 1, e.g. BENCH_RATE=400\n',
  );
  process.exit(2);
}
const loadStart = loadavg()[0]?.toFixed(1);
try {
  const phase = (
    key: string,
    label: string,
    profile: Profile,
    engine: Phase['engine'],
    at: number,
  ): Phase => ({
    key,
    label,
    profile,
    engine,
    rate: at,
  });
  // BENCH_PHASES picks some phases (A/B comparisons); the goals table needs them all.
  const results: Result[] = [];
  const measure = async (p: Phase) => {
    if (!wanted.has(p.key)) return undefined;
    const result = await benchPhase(p);
    results.push(result);
    return result;
  };
  const knee = await measure(phase('knee', 'hardened PostgreSQL', 'hardened', 'postgres', rate));
  const kneeRate = knee?.booked ?? Number(process.env.BENCH_KNEE);
  const atEighty =
    Number.isFinite(kneeRate) && kneeRate > 0
      ? await measure(
          phase(
            'eighty',
            'hardened PostgreSQL, 80% of knee',
            'hardened',
            'postgres',
            Math.max(1, Math.round(0.8 * kneeRate)),
          ),
        )
      : undefined;
  await measure(phase('legacy', 'legacy PostgreSQL', 'legacy', 'postgres', rate));
  const pglite = await measure(phase('pglite', 'hardened PGlite', 'hardened', 'pglite', pgliteRate));
  let pgbench: PgbenchResult | undefined;
  if (wanted.has('pgbench')) {
    process.stderr.write(`pgbench: bench/pgbench/booking.sql, ${PGBENCH_CLIENTS} clients, ${seconds} s\n`);
    // -M prepared: named statements, parsed once per connection, as the API's storage sends them.
    pgbench = await runPgbench(serverUrl, { clients: PGBENCH_CLIENTS, seconds, mode: 'prepared' });
  }
  process.stdout.write(
    `POST /v1/bookings, open model, ${seconds} s per phase (Node ${process.version}); knee = hardened booked/s offered ${rate}/s\n`,
  );
  // Figures depend on what else the machine runs; say so next to them.
  process.stdout.write(
    `machine: ${cpus().length} cores, load average ${loadStart} at start, ${loadavg()[0]?.toFixed(1)} at end (rates and latencies are wall-clock; CPU figures from /proc are not)\n`,
  );
  process.stdout.write(`${table(results)}\n`);
  if (pgbench)
    process.stdout.write(
      `pgbench, the same SQL (bench/pgbench/booking.sql), ${pgbench.clients} clients, -M ${pgbench.mode}: ${pgbench.tps.toFixed(0)} bookings/s (${pgbench.transactions} in ${pgbench.seconds} s), PG CPU ${ms(pgbench.databaseCpuPerTransaction)} ms/booking\n\n`,
    );
  if (knee && atEighty && pglite && pgbench)
    process.stdout.write(`${goals(knee, atEighty, pglite, pgbench.tps)}\n`);
} catch (error) {
  process.stderr.write(`bench:api: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
