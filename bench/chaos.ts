// npm run bench:chaos: a fault soak. Mixed traffic (bench/support/chaos-traffic.ts) runs against the
// hardened stack on PostgreSQL while faults chosen at random from a printed seed come and go, one at a
// time (bench/support/chaos-faults.ts): a billing outage, notices lost, notices duplicated, database
// latency, and the API killed with SIGKILL and started again. Afterwards every booking the API accepted
// must be in the database under its Idempotency-Key and the invariants must hold, both as the API's
// /admin/invariants reports them and by SQL run here on the database (bench/support/chaos-audit.ts).
// A 5xx that is not inside a fault's window is a finding, and so is any 5xx other than shedding in the
// API's own count (its /metrics, which also sees its answers to the simulator's notices). The figures
// are printed as a table.
//
// Exit 0 when nothing was lost, nothing violated and no 5xx (other than shedding) came outside a fault;
// 1 otherwise; 2 on a bad setting. The API's payment window is 2 minutes here, so unpaid bookings expire
// during the run and the audit waits until every window has lapsed.
//
// Environment: DATABASE_URL (server; default postgres://postgres@127.0.0.1:5432/postgres; a database is
// created for the run and dropped afterwards), BENCH_CHAOS_MINUTES (traffic time, default 10),
// BENCH_CHAOS_SEED (the fault plan's and the users' seed, default random), BENCH_CHAOS_BOOKERS (users
// booking at once, default 4), BENCH_CHAOS_LOG (file for both services' logs; default a file in the
// temporary folder, named in the output).
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startStack } from '@paspor-lab/target-api';
import { createScratchDatabase } from '@paspor-lab/target-api/scratch-database';
import pg from 'pg';
import { Pool } from 'undici';
import { adminJson, type SlotChoice } from './support/bookers.ts';
import { auditDatabase, type Window, windowOf } from './support/chaos-audit.ts';
import {
  clearFaults,
  FAULT_KINDS,
  type FaultTargets,
  injectFault,
  planFaults,
} from './support/chaos-faults.ts';
import { ServerErrorTally } from './support/chaos-metrics.ts';
import { Ledger, type RequestRecord, runTraffic } from './support/chaos-traffic.ts';

function setting(name: string, fallback: number, check: (n: number) => boolean, hint: string): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!check(value)) {
    process.stderr.write(`bench:chaos: ${name}="${text}" is not ${hint}; e.g. ${name}=${fallback}\n`);
    process.exit(2);
  }
  return value;
}

const minutes = setting(
  'BENCH_CHAOS_MINUTES',
  10,
  (n) => Number.isFinite(n) && n >= 0.5 && n <= 600,
  'a number of minutes from 0.5 to 600',
);
const seed = setting(
  'BENCH_CHAOS_SEED',
  Math.floor(Math.random() * 2 ** 31),
  (n) => Number.isSafeInteger(n) && n >= 0,
  'a whole number 0 or more',
);
const bookers = setting(
  'BENCH_CHAOS_BOOKERS',
  4,
  (n) => Number.isInteger(n) && n >= 1 && n <= 64,
  'a whole number from 1 to 64',
);
const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const logFile = process.env.BENCH_CHAOS_LOG || join(tmpdir(), `paspor-chaos-${seed}.log`);
/** A fault's effects outlast it a little: the billing breaker's half-open wait, a restarted pool. */
const GRACE_MS = 10_000;
/**
 * Short, so that unpaid bookings expire during the run (the sweeper races payments and notices) and a
 * payment whose notice was lost is found by the sweeper's question to billing before the audit.
 */
const PAYMENT_WINDOW_MINUTES = 2;
/** After the traffic: every window lapses and the sweeper gets to each booking. */
const SETTLE_MS = (PAYMENT_WINDOW_MINUTES * 60 + 120) * 1000;

const say = (line: string) => process.stdout.write(`${line}\n`);
const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

const totalMs = minutes * 60_000;
const plan = planFaults({
  seed,
  totalMs,
  quietStartMs: Math.min(20_000, totalMs / 10),
  quietEndMs: Math.min(30_000, totalMs / 6),
  gapMs: [10_000, 30_000],
  durationMs: [8_000, 25_000],
});
const loadAtStart = load();
say(
  `bench:chaos: seed ${seed}, ${minutes} min of traffic, ${bookers} booking users, ${plan.length} faults planned`,
);
say(`  replay this plan: BENCH_CHAOS_SEED=${seed} BENCH_CHAOS_MINUTES=${minutes} npm run bench:chaos`);
say(`  service logs: ${logFile}; load average ${loadAtStart}`);

const scratch = await createScratchDatabase(serverUrl, 'paspor_chaos');
const stack = await startStack({
  profile: 'hardened',
  port: 0,
  billingPort: 0,
  databaseUrl: scratch.url,
  env: { LOG_LEVEL: 'warn', PAYMENT_WINDOW_MINUTES: String(PAYMENT_WINDOW_MINUTES) },
  output: { file: logFile },
  // On a shared 2-core machine at load average 20 a restarted API took 59 s to be ready once, and more
  // than 60 s (the default) another time.
  readyTimeoutMs: 240_000,
});
const api = new Pool(stack.apiUrl, { connections: 2 });
const billing = new Pool(stack.billingUrl, { connections: 2 });
let exitCode = 1;
try {
  // One date, its REGULER sessions, room for every booking of the run.
  const offices = (await adminJson(api, 'GET', '/v1/offices', stack.adminToken)) as { id: string }[];
  const officeId = offices[0]?.id as string;
  const date = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
  await adminJson(api, 'POST', '/admin/releases', stack.adminToken, {
    officeId,
    dates: [date],
    capacity: 100_000,
  });
  const entries = (await adminJson(
    api,
    'GET',
    `/v1/offices/${officeId}/availability?from=${date}&days=1`,
    stack.adminToken,
  )) as { date: string; session: string; category: string }[];
  const slots: SlotChoice[] = entries
    .filter((e) => e.date === date && e.category === 'REGULER')
    .map((e) => ({ officeId, date, session: e.session }));

  const ledger = new Ledger();
  const windows: Window[] = [];
  const restarts: Window[] = [];
  const tally = new ServerErrorTally();
  const targets: FaultTargets = {
    api,
    billing,
    adminToken: stack.adminToken,
    restartApi: async () => {
      await tally.read(api);
      await stack.restartApi('SIGKILL');
    },
  };
  const started = Date.now();
  const traffic = runTraffic(
    {
      apiUrl: stack.apiUrl,
      billingUrl: stack.billingUrl,
      adminToken: stack.adminToken,
      slots,
      seed,
      bookers,
      browsers: 2,
      until: started + totalMs,
    },
    ledger,
  );
  const injector = (async () => {
    for (const fault of plan) {
      await sleep(Math.max(0, started + fault.atMs - Date.now()));
      const window: Window = { kind: fault.kind, startMs: Date.now(), endMs: Number.POSITIVE_INFINITY };
      windows.push(window);
      await injectFault(targets, fault);
      window.endMs = Date.now();
      if (fault.kind === 'api-kill') restarts.push(window);
      say(
        `  ${((window.startMs - started) / 1000).toFixed(0).padStart(4)} s  ${fault.kind} for ${((window.endMs - window.startMs) / 1000).toFixed(1)} s`,
      );
    }
  })();
  // A service that dies on its own (not by restartApi) ends the run: that is a finding in itself.
  const died = stack.exited.then((exit) => {
    throw new Error(`the ${exit.service} died (${exit.signal ?? `code ${exit.code}`}): ${exit.lastOutput}`);
  });
  // After the race a death can only mean the audit's own calls fail, which they report themselves.
  died.catch(() => {});
  await Promise.race([Promise.all([traffic, injector]), died]);
  const trafficMs = Date.now() - started;

  // Let the last effects play out: codes owed after an outage, notices still being retried, payment
  // windows lapsing; until no booking waits for a code or a payment and no notice is under way.
  await clearFaults(targets);
  const settleUntil = Date.now() + SETTLE_MS;
  const db = new pg.Client({ connectionString: scratch.url });
  await db.connect();
  for (;;) {
    await adminJson(api, 'POST', '/admin/sweep', stack.adminToken);
    const open = (
      await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM bookings WHERE status IN ('HELD', 'WAITING_PAYMENT')`,
      )
    ).rows[0]?.n;
    const notices = (await adminJson(billing, 'GET', '/admin/notices', stack.adminToken)) as {
      counts: Record<string, number>;
    };
    const underWay =
      (notices.counts.delayed ?? 0) + (notices.counts.held ?? 0) + (notices.counts.sending ?? 0);
    if ((open === 0 && underWay === 0) || Date.now() > settleUntil) break;
    await sleep(2000);
  }
  await db.end();

  const invariants = (await adminJson(api, 'GET', '/admin/invariants', stack.adminToken)) as {
    invariants: { name: string; violations: number }[];
  };
  const apiViolations = invariants.invariants.filter((i) => i.violations > 0);
  const audit = await auditDatabase(scratch.url, ledger);
  await tally.read(api);
  const sqlViolations = audit.checks.filter((c) => c.violations > 0);
  const notices = (await adminJson(billing, 'GET', '/admin/notices', stack.adminToken)) as {
    counts: Record<string, number>;
  };

  // The figures.
  // Shedding (503 with Retry-After) is the hardened API's answer to overload, by design; any other 5xx
  // outside a fault is a defect.
  const split = (list: RequestRecord[]) => {
    const inside = list.filter((r) => windowOf(r, windows, GRACE_MS)).length;
    return { inside, outside: list.length - inside };
  };
  const shed = split(ledger.requests.filter((r) => r.status >= 500 && r.shed));
  const errors = ledger.requests.filter((r) => r.status >= 500 && !r.shed);
  const outside = errors.filter((r) => !windowOf(r, windows, GRACE_MS));
  const unanswered = ledger.requests.filter((r) => r.status === 0);
  const unansweredInRestart = unanswered.filter((r) => windowOf(r, restarts, GRACE_MS));
  const accepted = [...ledger.accepted.values()];
  const byKind = FAULT_KINDS.map((kind) => `${kind} ${windows.filter((w) => w.kind === kind).length}`).join(
    ', ',
  );
  const count = (list: readonly { status: number }[], test: (status: number) => boolean) =>
    list.filter((r) => test(r.status)).length;
  const apiRequests = ledger.requests.filter((r) => r.service === 'api');
  const rows: [string, string][] = [
    [
      'requests',
      `${ledger.requests.length} (API ${apiRequests.length}, bank ${ledger.requests.length - apiRequests.length})`,
    ],
    [
      'bookings accepted (201 / 202)',
      `${count(accepted, (s) => s === 201)} / ${count(accepted, (s) => s === 202)}`,
    ],
    ['paid at the bank / refunded by an operator', `${ledger.paid.size} / ${ledger.refunded.size}`],
    ['faults injected', `${windows.length}: ${byKind}`],
    ['API restarts (SIGKILL)', String(restarts.length)],
    ['5xx errors during a fault window / outside', `${errors.length - outside.length} / ${outside.length}`],
    ['503 shed with Retry-After during a fault window / outside', `${shed.inside} / ${shed.outside}`],
    ["the API's own 5xx count, by route (its /metrics)", tally.describe()],
    ['  of which shed by admission control / other', `${tally.shed} / ${tally.errors()}`],
    [
      'no answer (during a restart / elsewhere)',
      `${unansweredInRestart.length} / ${unanswered.length - unansweredInRestart.length}`,
    ],
    ['accepted bookings lost', String(audit.lost.length)],
    [
      'Idempotency-Key not naming its booking',
      String(audit.keyMismatches.length + ledger.keyMismatches.length),
    ],
    ['invariant violations (/admin/invariants)', String(apiViolations.reduce((n, i) => n + i.violations, 0))],
    ['invariant violations (SQL here)', String(sqlViolations.reduce((n, c) => n + c.violations, 0))],
    ['paid at the bank, neither PAID nor refunded', String(audit.paidNotApplied.length)],
    [
      'notices (simulator log)',
      Object.entries(notices.counts)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    ],
    ['duration', `${(trafficMs / 60_000).toFixed(1)} min of traffic`],
    ['seed', String(seed)],
    ['load average (1, 5, 15 min) start -> end', `${loadAtStart} -> ${load()}`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  say('');
  say(`| ${'figure'.padEnd(width)} | value |`);
  say(`| ${'-'.repeat(width)} | ----- |`);
  for (const [k, v] of rows) say(`| ${k.padEnd(width)} | ${v} |`);

  const failures: string[] = [];
  if (audit.lost.length > 0) failures.push(`lost bookings: ${audit.lost.slice(0, 5).join(', ')}`);
  if (audit.keyMismatches.length + ledger.keyMismatches.length > 0)
    failures.push(
      `keys not naming their booking: ${JSON.stringify([...audit.keyMismatches, ...ledger.keyMismatches].slice(0, 5))}`,
    );
  for (const v of apiViolations) failures.push(`/admin/invariants: ${v.name} ${v.violations}`);
  for (const c of sqlViolations) failures.push(`SQL: ${c.name} ${c.violations}`);
  if (tally.errors() > 0) failures.push(`the API answered ${tally.errors()} 5xx errors: ${tally.describe()}`);
  if (audit.paidNotApplied.length > 0)
    failures.push(`paid, neither PAID nor refunded: ${audit.paidNotApplied.slice(0, 5).join(', ')}`);
  for (const r of outside.slice(0, 10))
    failures.push(
      `5xx outside a fault: ${r.status} ${r.service} ${r.op} at ${((r.at - started) / 1000).toFixed(1)} s`,
    );
  say('');
  if (failures.length === 0) {
    say('bench:chaos: PASS: nothing lost, every invariant holds, no 5xx error outside a fault');
    exitCode = 0;
  } else {
    for (const failure of failures) say(`bench:chaos: FAIL: ${failure}`);
    say(`bench:chaos: the services' logs are in ${logFile}`);
  }
} catch (error) {
  process.stderr.write(`bench:chaos: ${error instanceof Error ? error.message : String(error)}\n`);
} finally {
  await Promise.all([api.close(), billing.close()]);
  await stack.stop();
  await scratch.drop();
}
process.exit(exitCode);
