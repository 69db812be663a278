// npm run bench:telemetry: what telemetry costs a hardened booking, from one run.
//
// One target stack (API + billing simulator, two processes, embedded PGlite unless DATABASE_URL is set)
// per telemetry mode, all started up front; then rounds in which each mode in turn gets the same closed
// loop of concurrent booking requests (every request a fresh applicant, so each is a real 201 booking
// with its code issued inline by the simulator). The order of modes rotates per round so drift on this
// busy shared machine spreads over all of them. Each mode is reported by its best round (most bookings/s,
// least CPU per booking: interference only ever slows a round down, so the best round is the closest to
// the mode's own cost) and by its median.
//
// Modes:
//   off           OTEL_SDK_DISABLED=true, LOG_LEVEL=warn: no spans, no access lines (metrics stay: the
//                 runner needs /metrics; their cost is part of every mode)
//   logs          access lines only (LOG_LEVEL=info), no tracing
//   on            tracing with no exporter + access lines: the default without OTEL_EXPORTER_OTLP_ENDPOINT
//   on+export     as on, exporting OTLP/HTTP to a receiver on loopback (in this process)
//   on+hook-spans as on+export with @fastify/otel's per-hook and handler spans (a choice not kept)
//   on+db-spans   as on+export with a span per storage call (a choice not kept)
//
// Environment: BENCH_SECONDS (per round and mode, default 3), BENCH_ROUNDS (default 8),
// BENCH_MAX_RATE (bookings/s the fastest mode may reach, to seed enough applicants; default 250),
// BENCH_CONCURRENCY (requests in flight, default 16: under the API's admission limit, so nothing is shed),
// BENCH_MODES (a comma-separated subset of the modes; `off` is always run).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Stack, startStack } from '@paspor-lab/target-api';
import {
  AccessLogController,
  bufferedDestination,
  createLogger,
  createMetrics,
  startTracing,
  telemetryPlugin,
  tracingConfigFromEnv,
  withSpan,
} from '@paspor-lab/target-api/telemetry';
import { type OtlpReceiver, startOtlpReceiver } from '@paspor-lab/target-api/telemetry/testing';
import Fastify from 'fastify';
import { Pool } from 'undici';
import { BenchError, type Booker, bookingBody, prepareBookers, type SlotChoice } from './support/bookers.ts';

const seconds = Number(process.env.BENCH_SECONDS || 3);
const rounds = Number(process.env.BENCH_ROUNDS || 8);
const maxRate = Number(process.env.BENCH_MAX_RATE || 250);
const concurrency = Number(process.env.BENCH_CONCURRENCY || 16);

interface Mode {
  name: string;
  env: (receiver: OtlpReceiver) => Record<string, string>;
}

const MODES: Mode[] = [
  { name: 'off', env: () => ({ OTEL_SDK_DISABLED: 'true', LOG_LEVEL: 'warn' }) },
  { name: 'logs', env: () => ({ OTEL_SDK_DISABLED: 'true', LOG_LEVEL: 'info' }) },
  { name: 'on', env: () => ({ LOG_LEVEL: 'info' }) },
  {
    name: 'on+export',
    env: (r) => ({ LOG_LEVEL: 'info', OTEL_EXPORTER_OTLP_ENDPOINT: r.url }),
  },
  {
    name: 'on+hook-spans',
    env: (r) => ({ LOG_LEVEL: 'info', OTEL_EXPORTER_OTLP_ENDPOINT: r.url, PASPOR_TRACE_HOOK_SPANS: 'true' }),
  },
  {
    name: 'on+db-spans',
    env: (r) => ({ LOG_LEVEL: 'info', OTEL_EXPORTER_OTLP_ENDPOINT: r.url, PASPOR_TRACE_DB_SPANS: 'true' }),
  },
];

interface Target {
  mode: Mode;
  stack: Stack;
  pool: Pool;
  bookers: Booker[];
  slot: SlotChoice;
  rates: number[];
  /** CPU milliseconds of both processes (API + simulator) per booking, per round. */
  cpuPerBooking: number[];
  statuses: Map<string, number>;
}

/** CPU time (user + system) of a process so far, in ms, from /proc (Linux; clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const stackCpuMs = (stack: Stack) => cpuMs(stack.pids().api) + cpuMs(stack.pids().billingSim);

/**
 * A closed loop of `concurrency` workers for `durationMs`. Answers bookings (201/202) per second and the
 * CPU both services spent per booking: the second is the steadier measure of a booking's cost on a
 * machine shared with other work, the first is what users see.
 */
async function load(
  target: Target,
  durationMs: number,
  record: boolean,
): Promise<{ rate: number; cpu: number }> {
  const cpuBefore = stackCpuMs(target.stack);
  const end = performance.now() + durationMs;
  let booked = 0;
  const started = performance.now();
  const worker = async () => {
    while (performance.now() < end) {
      const booker = target.bookers.pop();
      if (!booker) return;
      const response = await target.pool.request({
        method: 'POST',
        path: '/v1/bookings',
        headers: { authorization: `Bearer ${booker.token}`, 'content-type': 'application/json' },
        body: bookingBody(booker, target.slot),
      });
      await response.body.dump();
      const status = String(response.statusCode);
      if (record) target.statuses.set(status, (target.statuses.get(status) ?? 0) + 1);
      if (response.statusCode === 201 || response.statusCode === 202) booked++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const cpu = (stackCpuMs(target.stack) - cpuBefore) / Math.max(1, booked);
  return { rate: booked / ((performance.now() - started) / 1000), cpu };
}

/** BENCH_MODES=off,on+export narrows a run to some modes ("off" is always kept: it is the baseline). */
function selected(names: string[]): string[] {
  const wanted = process.env.BENCH_MODES?.split(',').map((m) => m.trim());
  return wanted ? names.filter((name) => name === 'off' || wanted.includes(name)) : names;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

async function main(): Promise<void> {
  if (![seconds, rounds, concurrency, maxRate].every((n) => Number.isInteger(n) && n >= 1)) {
    process.stderr.write(
      'bench:telemetry: BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONCURRENCY and BENCH_MAX_RATE must be whole numbers >= 1\n',
    );
    process.exit(2);
  }
  // Enough bookers for the fastest mode at maxRate, plus the warm-up.
  const perTarget = maxRate * seconds * rounds + maxRate * 2;
  const receiver = await startOtlpReceiver({ keep: false });
  const targets: Target[] = [];
  try {
    for (const mode of selected(MODES.map((m) => m.name)).map(
      (name) => MODES.find((m) => m.name === name) as Mode,
    )) {
      const stack = await startStack({
        profile: 'hardened',
        port: 0,
        billingPort: 0,
        env: mode.env(receiver),
      });
      const pool = new Pool(stack.apiUrl, { connections: concurrency, pipelining: 1 });
      const target: Target = {
        mode,
        stack,
        pool,
        bookers: [],
        slot: { officeId: '', date: '', session: '' },
        rates: [],
        cpuPerBooking: [],
        statuses: new Map(),
      };
      targets.push(target);
      Object.assign(target, await prepareBookers(stack, pool, perTarget));
      await load(target, 1_000, false); // warm-up: JIT, connection pools, PGlite caches
      process.stderr.write(`${mode.name}: ready, ${target.bookers.length} bookers left\n`);
    }
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < targets.length; i++) {
        const target = targets[(i + round) % targets.length] as Target;
        if (target.bookers.length < concurrency * 10) {
          // Seeded for BENCH_MAX_RATE: a faster machine uses them up; the rounds already run still count.
          process.stderr.write(`round ${round + 1}: ${target.mode.name} skipped, out of seeded applicants\n`);
          continue;
        }
        const { rate, cpu } = await load(target, seconds * 1000, true);
        target.rates.push(rate);
        target.cpuPerBooking.push(cpu);
        process.stderr.write(
          `round ${round + 1}: ${target.mode.name} ${rate.toFixed(1)} bookings/s, ${cpu.toFixed(2)} CPU ms/booking\n`,
        );
      }
    }
  } finally {
    for (const target of targets) {
      await target.pool.close();
      await target.stack.stop();
    }
  }

  const best = (t: Target) => ({ rate: Math.max(...t.rates), cpu: Math.min(...t.cpuPerBooking) });
  const base = targets[0] ? best(targets[0]) : { rate: Number.NaN, cpu: Number.NaN };
  const signed = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(1)}%`;
  const rows = [
    [
      'mode',
      'best bookings/s',
      'loss',
      'best CPU ms/booking',
      'CPU cost',
      'median bookings/s',
      'median CPU ms',
      'status codes',
    ],
    ...targets.map((t) => {
      const { rate, cpu } = best(t);
      const first = t === targets[0];
      return [
        t.mode.name,
        rate.toFixed(1),
        first ? '-' : signed(((base.rate - rate) / base.rate) * 100),
        cpu.toFixed(2),
        first ? '-' : signed(((cpu - base.cpu) / base.cpu) * 100),
        median(t.rates).toFixed(1),
        median(t.cpuPerBooking).toFixed(2),
        [...t.statuses].map(([s, n]) => `${s}: ${n}`).join(', '),
      ];
    }),
  ];
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  process.stdout.write(
    `telemetry cost on hardened bookings (${concurrency} in flight, ${rounds} rounds of ${seconds} s per mode, ${receiver.requests()} OTLP exports received)\n`,
  );
  for (const row of rows)
    process.stdout.write(
      `${row
        .map((cell, c) => cell.padEnd(widths[c] ?? 0))
        .join('  ')
        .trimEnd()}\n`,
    );
  try {
    await micro(receiver, base.cpu);
  } finally {
    await receiver.close();
  }
}

// ---- Part 2: the telemetry path alone, per request, in a fresh process per mode ----------------------
// The whole-stack figures above swing with whatever else the machine runs; this part isolates what
// telemetry adds to one request: the same Fastify route (two nested domain spans, a JSON answer) driven
// by inject() with each mode's telemetry, CPU time per request from process.cpuUsage(). Tracing is
// process-wide, hence one child process per mode and repetition.
const MICRO_REQUESTS = 20_000;
const MICRO_REPEATS = 5;
const MICRO_MODES: Record<string, Record<string, string>> = {
  off: { OTEL_SDK_DISABLED: 'true', LOG_LEVEL: 'warn' },
  logs: { OTEL_SDK_DISABLED: 'true', LOG_LEVEL: 'info' },
  on: { LOG_LEVEL: 'info' },
  'on+export': { LOG_LEVEL: 'info', EXPORT: 'true' },
  'on+hook-spans': { LOG_LEVEL: 'info', EXPORT: 'true', PASPOR_TRACE_HOOK_SPANS: 'true' },
};

async function microChild(mode: string, otlpUrl: string): Promise<void> {
  const env = MICRO_MODES[mode] ?? {};
  const tracing = startTracing(
    tracingConfigFromEnv('bench', { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: env.EXPORT ? otlpUrl : undefined }),
  );
  const app = Fastify({
    loggerInstance: createLogger({
      service: 'bench',
      level: env.LOG_LEVEL ?? 'info',
      destination: bufferedDestination('/dev/null'),
    }),
    logController: new AccessLogController(),
  });
  await app.register(telemetryPlugin, { metrics: createMetrics() });
  app.post('/v1/bookings/:bookingId', async (request) =>
    withSpan('booking.hold_seat', {}, () =>
      withSpan('billing.issue_code', {}, async () => ({
        id: (request.params as { bookingId: string }).bookingId,
      })),
    ),
  );
  await app.ready();
  const payload = JSON.stringify({ officeId: 'kanim-jakarta-selatan', session: 'PAGI', category: 'REGULER' });
  const run = async (n: number) => {
    for (let i = 0; i < n; i++) {
      await app.inject({
        method: 'POST',
        url: `/v1/bookings/b-${i}`,
        payload,
        headers: { 'content-type': 'application/json' },
      });
    }
  };
  await run(3_000);
  const before = process.cpuUsage();
  await run(MICRO_REQUESTS);
  const used = process.cpuUsage(before);
  process.stdout.write(JSON.stringify({ us: (used.user + used.system) / MICRO_REQUESTS }));
  await app.close();
  await tracing.shutdown();
}

function runMicro(mode: string, otlpUrl: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--micro', mode, otlpUrl], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('exit', (code) => {
      if (code !== 0) reject(new BenchError(`the ${mode} micro run exited with ${code}`));
      else resolve((JSON.parse(out) as { us: number }).us);
    });
  });
}

async function micro(receiver: OtlpReceiver, offCpuPerBookingMs: number): Promise<void> {
  const results = new Map<string, number[]>(selected(Object.keys(MICRO_MODES)).map((m) => [m, []]));
  for (let repeat = 0; repeat < MICRO_REPEATS; repeat++) {
    for (const mode of selected(Object.keys(MICRO_MODES)))
      results.get(mode)?.push(await runMicro(mode, receiver.url));
  }
  const best = (mode: string) => Math.min(...(results.get(mode) ?? []));
  const off = best('off');
  // A booking is two telemetry-carrying requests: the API's POST /v1/bookings and the simulator's
  // POST /v1/bills (the domain spans of the route above stand for the booking's own).
  process.stdout.write(
    `\ntelemetry path per request, in-process (best of ${MICRO_REPEATS} x ${MICRO_REQUESTS} requests; a booking = 2 requests, measured against ${offCpuPerBookingMs.toFixed(2)} CPU ms per booking with telemetry off)\n`,
  );
  for (const mode of selected(Object.keys(MICRO_MODES))) {
    const us = best(mode);
    const added = us - off;
    const share =
      mode === 'off'
        ? '-'
        : `${((2 * added) / (offCpuPerBookingMs * 1000)) * 100 >= 0 ? '+' : ''}${(((2 * added) / (offCpuPerBookingMs * 1000)) * 100).toFixed(1)}% of a booking`;
    process.stdout.write(
      `${mode.padEnd(14)} ${us.toFixed(1).padStart(7)} us/request  ${mode === 'off' ? '' : `+${added.toFixed(1)} us`.padEnd(11)}  ${share}  (${(results.get(mode) ?? []).map((v) => v.toFixed(0)).join(' / ')})\n`,
    );
  }
}

if (process.argv[2] === '--micro') {
  await microChild(process.argv[3] ?? 'off', process.argv[4] ?? '');
  process.exit(0);
}

try {
  await main();
} catch (error) {
  process.stderr.write(`bench:telemetry: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
