// `npm run bench:defects`: how reliably each defect reproduces (docs/DEFECTS.md asks for at least 19 of 20
// short runs of the scenario built for it). Each defect is switched on alone (`--defects <id>`), its
// scenario runs in short mode through the real command (the target's two services, the embedded runner,
// the run folder), and the run counts as a reproduction only when it fails for the defect's own reason.
//   BENCH_RUNS (20), BENCH_DEFECTS (comma-separated subset), BENCH_SCENARIOS (the same, by scenario),
//   BENCH_CONTROL=1 (also run each scenario on
//   `hardened` as many times and count false alarms)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const runs = Number(process.env.BENCH_RUNS ?? '20');
const control = process.env.BENCH_CONTROL === '1';
const bin = fileURLToPath(new URL('../cli/bin/paspor-lab.ts', import.meta.url));

interface Finished {
  exitCode: number | null;
  violations: Record<string, number>;
  metrics: Record<string, { values: Record<string, number>; thresholds?: Record<string, { ok: boolean }> }>;
}

interface Case {
  defect: string;
  scenario: string;
  /** The defect's own reason, read from a finished run; undefined when the run does not show it. */
  reason: (run: Finished) => string | undefined;
}

/** Why a run failed, in short: its violated invariants and the metrics whose thresholds broke. */
const failedFor = (run: Finished): string => {
  const broken = Object.entries(run.violations)
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${name} ${n}`);
  const thresholds = Object.entries(run.metrics)
    .filter(([, m]) => Object.values(m.thresholds ?? {}).some((t) => !t.ok))
    .map(([name]) => name);
  return [...broken, ...thresholds].join(', ') || `exit ${run.exitCode}`;
};

const invariant = (name: string) => (run: Finished) =>
  (run.violations[name] ?? 0) > 0 ? `${name} ${run.violations[name]}` : undefined;

/** overload-collapse's reason: bookings take seconds and time out, and nothing is shed. */
const collapsed = (run: Finished) => {
  const p99 = run.metrics['http_req_duration{step:book}']?.values['p(99)'] ?? 0;
  const timeouts = run.metrics.request_timeouts?.values.count ?? 0;
  const shed = run.metrics.shed_responses?.values.count ?? 0;
  return p99 > 1000 && timeouts > 0 && shed === 0
    ? `booking p99 ${Math.round(p99)} ms, ${timeouts} timeouts`
    : undefined;
};

/** outage-2023's reason: the users of one of `tasks` waited 2 s or more (p95) for an answer that said anything. */
const slowClearAnswer = (run: Finished, ...tasks: string[]) => {
  const slow = tasks.flatMap((task) => {
    const p95 = run.metrics[`first_clear_answer{task:${task}}`]?.values['p(95)'] ?? 0;
    const taps =
      run.metrics[task === 'login' ? 'login_requests{task:login}' : `${task}_requests`]?.values.avg ?? 0;
    return p95 >= 2000
      ? [`${task}: first clear answer p95 ${Math.round(p95)} ms, ${taps.toFixed(1)} taps`]
      : [];
  });
  return slow.length > 0 ? slow.join('; ') : undefined;
};

const CASES: Case[] = [
  { defect: 'quota-race', scenario: 'quota-rush', reason: invariant('slot-over-capacity') },
  { defect: 'duplicate-submit', scenario: 'quota-rush', reason: invariant('duplicate-active-booking') },
  { defect: 'billing-fragile', scenario: 'payment-code-failure', reason: invariant('booking-without-code') },
  { defect: 'paid-but-expired', scenario: 'payment-expiry', reason: invariant('paid-but-expired') },
  {
    defect: 'paid-but-expired',
    scenario: 'lost-notices',
    // Paid at the bank, the notice lost, and the booking expired without a re-sync.
    reason: (run) => {
      const lost = run.metrics.paid_not_paid?.values.count ?? 0;
      const expired = run.metrics.paid_expired?.values.count ?? 0;
      return lost > 0 ? `${lost} paid bookings not PAID (${expired} expired)` : undefined;
    },
  },
  {
    defect: 'quota-hoarding',
    scenario: 'quota-hoarding',
    // The touts' accounts hold more seats than the fair cap, and more of the release than its share.
    reason: (run) => {
      const most = run.metrics.max_holds_per_account?.values.value ?? 0;
      const touts = run.metrics.tout_seats?.values.count ?? 0;
      return most > 5 ? `one account held ${most} seats; touts took ${touts}` : undefined;
    },
  },
  // The API killed mid-rush: the inline billing call dies with it and its hold never gets a code.
  { defect: 'billing-fragile', scenario: 'crash-recovery', reason: invariant('booking-without-code') },
  {
    defect: 'overload-collapse',
    scenario: 'slow-database',
    // The database slows down: bookings queue until the apps time out, and nothing is shed.
    reason: collapsed,
  },
  {
    defect: 'identity-fragile',
    scenario: 'outage-2023',
    // While the identity store is down, users logging in or resetting a password hear nothing useful for
    // seconds, and their app taps on.
    reason: (run) => slowClearAnswer(run, 'login', 'reset'),
  },
  {
    defect: 'upload-fragile',
    scenario: 'outage-2023',
    // While the document store is down, uploaders hear nothing useful for seconds, and resend the file.
    reason: (run) => slowClearAnswer(run, 'upload'),
  },
  {
    defect: 'overload-collapse',
    scenario: 'breakpoint',
    // Past the knee bookings take seconds and time out, and nothing is shed.
    reason: collapsed,
  },
];

async function runOnce(scenario: string, flags: string[]): Promise<Finished> {
  const out = mkdtempSync(join(tmpdir(), 'paspor-defects-'));
  try {
    const child = spawn(process.execPath, [bin, 'run', scenario, '--short', '--out', out, ...flags], {
      stdio: 'ignore',
    });
    const exitCode = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const read = <T>(name: string): T => JSON.parse(readFileSync(join(out, name), 'utf8')) as T;
    const invariants = read<{ invariants: { name: string; violations: number }[] }>('invariants.json');
    return {
      exitCode,
      violations: Object.fromEntries(invariants.invariants.map((i) => [i.name, i.violations])),
      metrics: read<{ metrics: Finished['metrics'] }>('summary.json').metrics,
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const only = process.env.BENCH_DEFECTS?.split(',').map((d) => d.trim());
const onlyScenarios = process.env.BENCH_SCENARIOS?.split(',').map((s) => s.trim());
const cases = CASES.filter(
  (c) => (!only || only.includes(c.defect)) && (!onlyScenarios || onlyScenarios.includes(c.scenario)),
);
if (cases.length === 0) {
  console.error(
    `BENCH_DEFECTS and BENCH_SCENARIOS select no case; use some of: ${CASES.map((c) => `${c.defect} (${c.scenario})`).join(', ')}`,
  );
  process.exit(2);
}

const started = new Date();
const loadBefore = loadavg()[0] ?? 0;
const rows: string[][] = [];
for (const c of cases) {
  let reproduced = 0;
  let falseAlarms = 0;
  const seen: string[] = [];
  const alarms: string[] = [];
  for (let i = 0; i < runs; i++) {
    const run = await runOnce(c.scenario, ['--defects', c.defect]);
    const why = run.exitCode === 99 ? c.reason(run) : undefined;
    if (why) reproduced++;
    if (i < 3 || !why) seen.push(why ?? `missed (exit ${run.exitCode})`);
    if (control) {
      const hardened = await runOnce(c.scenario, ['--profile', 'hardened']);
      if (hardened.exitCode !== 0) {
        falseAlarms++;
        alarms.push(failedFor(hardened));
        process.stderr.write(`  hardened failed: ${failedFor(hardened)}\n`);
      }
    }
    process.stderr.write(`${c.defect}: ${i + 1}/${runs} ${why ?? 'missed'}\n`);
  }
  rows.push([
    c.defect,
    c.scenario,
    `${reproduced}/${runs}`,
    control
      ? `${falseAlarms}/${runs}${alarms.length > 0 ? ` (${[...new Set(alarms)].join('; ')})` : ''}`
      : '-',
    seen.slice(0, 4).join('; '),
  ]);
}

console.log(
  `defect reproduction, --short runs with the defect alone (Node ${process.version}, ${started.toISOString()}, load average ${loadBefore.toFixed(1)} -> ${(loadavg()[0] ?? 0).toFixed(1)})`,
);
const header = ['defect', 'scenario', 'reproduced', 'hardened failed', 'examples'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
for (const row of [header, ...rows])
  console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  '));
