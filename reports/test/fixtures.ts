// Realistic run folders for the report tests: a `quota-rush` run on the legacy profile (over-capacity
// and duplicate bookings, slow and failing booking requests) and one on the hardened profile (passes).
// The summaries follow the k6 handleSummary shape with the metric names and thresholds the scenarios in
// load-scenarios/ use (`http_req_failed{surface:api}`, `http_req_duration{step:book}`,
// `payment_code_within_slo`).
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Profile = 'legacy' | 'hardened';

interface Figures {
  reqs: number;
  failedApiRate: number;
  bookP95: number;
  bookP99: number;
  allP95: number;
  codeWithinSlo: number;
  overCapacity: number;
  duplicates: number;
}

const FIGURES: Record<Profile, Figures> = {
  legacy: {
    reqs: 18_342,
    failedApiRate: 0.0312,
    bookP95: 1843.2,
    bookP99: 3120.7,
    allP95: 1204.9,
    codeWithinSlo: 0.9981,
    overCapacity: 14,
    duplicates: 3,
  },
  hardened: {
    reqs: 19_106,
    failedApiRate: 0.0007,
    bookP95: 212.4,
    bookP99: 488.1,
    allP95: 143.8,
    codeWithinSlo: 0.9994,
    overCapacity: 0,
    duplicates: 0,
  },
};

const DURATION_MS = 30_412.6;

function trend(p95: number, p99: number | null, thresholds?: Record<string, { ok: boolean }>) {
  const values: Record<string, number> = {
    avg: p95 * 0.42,
    min: 1.93,
    med: p95 * 0.31,
    max: (p99 ?? p95) * 1.9,
    'p(90)': p95 * 0.81,
    'p(95)': p95,
  };
  if (p99 !== null) values['p(99)'] = p99;
  return { type: 'trend', contains: 'time', values, ...(thresholds ? { thresholds } : {}) };
}

/** A k6 summary as handleSummary receives it. `withP99` false mimics k6's default summaryTrendStats. */
export function k6Summary(profile: Profile, options: { withP99?: boolean } = {}) {
  const f = FIGURES[profile];
  const withP99 = options.withP99 ?? true;
  const failedApi = Math.round(f.reqs * 0.93 * f.failedApiRate);
  const books = Math.round(f.reqs * 0.31);
  return {
    root_group: {
      name: '',
      path: '',
      id: 'd41d8cd98f00b204e9800998ecf8427e',
      groups: [],
      checks: [
        {
          name: 'booking answered 201/202/409',
          path: '::booking answered 201/202/409',
          passes: books - failedApi,
          fails: failedApi,
        },
        { name: 'availability listed', path: '::availability listed', passes: 9_120, fails: 0 },
      ],
    },
    options: {
      summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
      summaryTimeUnit: '',
      noColor: false,
    },
    state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: DURATION_MS },
    metrics: {
      http_reqs: {
        type: 'counter',
        contains: 'default',
        values: { count: f.reqs, rate: f.reqs / (DURATION_MS / 1000) },
      },
      http_req_failed: {
        type: 'rate',
        contains: 'default',
        values: { rate: f.failedApiRate * 0.93, passes: failedApi, fails: f.reqs - failedApi },
      },
      'http_req_failed{surface:api}': {
        type: 'rate',
        contains: 'default',
        values: { rate: f.failedApiRate, passes: failedApi, fails: Math.round(f.reqs * 0.93) - failedApi },
        thresholds: { 'rate<0.005': { ok: f.failedApiRate < 0.005 } },
      },
      http_req_duration: trend(f.allP95, withP99 ? f.allP95 * 1.6 : null),
      'http_req_duration{expected_response:true}': trend(f.allP95 * 0.9, withP99 ? f.allP95 * 1.4 : null),
      'http_req_duration{step:book}': trend(f.bookP95, withP99 ? f.bookP99 : null, {
        'p(95)<500': { ok: f.bookP95 < 500 },
        'p(99)<1000': { ok: f.bookP99 < 1000 },
      }),
      http_req_waiting: trend(f.allP95 * 0.97, withP99 ? f.allP95 * 1.5 : null),
      iteration_duration: trend(f.allP95 * 3.2, withP99 ? f.allP95 * 4.1 : null),
      iterations: { type: 'counter', contains: 'default', values: { count: books, rate: books / 30.4 } },
      dropped_iterations: {
        type: 'counter',
        contains: 'default',
        values: { count: profile === 'legacy' ? 212 : 0, rate: 0 },
      },
      vus: { type: 'gauge', contains: 'default', values: { value: 0, min: 0, max: 400 } },
      vus_max: { type: 'gauge', contains: 'default', values: { value: 400, min: 50, max: 400 } },
      checks: { type: 'rate', contains: 'default', values: { rate: 0.97, passes: 15_000, fails: 450 } },
      data_received: { type: 'counter', contains: 'data', values: { count: 9_812_334, rate: 322_640 } },
      data_sent: { type: 'counter', contains: 'data', values: { count: 4_120_981, rate: 135_505 } },
      payment_code_within_slo: {
        type: 'rate',
        contains: 'default',
        values: { rate: f.codeWithinSlo, passes: 5_000, fails: 9 },
        thresholds: { 'rate>=0.99': { ok: f.codeWithinSlo >= 0.99 } },
      },
      quota_exhausted: { type: 'counter', contains: 'default', values: { count: 4_211, rate: 138.4 } },
    },
  };
}

export function invariantsJson(profile: Profile) {
  const f = FIGURES[profile];
  const slots = Array.from({ length: f.overCapacity }, (_, i) => ({
    slot: `kanim-batam|2026-12-0${(i % 5) + 1}|${i % 2 === 0 ? 'PAGI' : 'SIANG'}|REGULER`,
    capacity: 40,
    taken: 41 + i,
    bookings: 41 + i,
  }));
  const dups = Array.from({ length: f.duplicates }, (_, i) => ({
    nik: `217105${String(100_000 + i * 7919).padStart(6, '0')}0001`,
    active: 2,
    bookings: [`bk-${i}a`, `bk-${i}b`],
  }));
  return {
    ok: f.overCapacity + f.duplicates === 0,
    checkedAt: '2026-11-28T09:15:31.000Z',
    invariants: [
      {
        name: 'slot-over-capacity',
        description: 'No slot is booked beyond its capacity.',
        violations: f.overCapacity,
        examples: slots.slice(0, 10),
      },
      {
        name: 'duplicate-active-booking',
        description: 'No NIK has more than one active booking.',
        violations: f.duplicates,
        examples: dups,
      },
      { name: 'booking-without-code', description: 'x', violations: 0, examples: [] },
      { name: 'paid-but-expired', description: 'x', violations: 0, examples: [] },
      { name: 'notice-mismatch', description: 'x', violations: 0, examples: [] },
      { name: 'quota-not-conserved', description: 'x', violations: 0, examples: [] },
    ],
    holds: { maxPerAccount: 1, maxPerNik: profile === 'legacy' ? 2 : 1 },
  };
}

/** run.json as `paspor-lab run` writes it (cli/src/run-folder.ts, RunMetadata). */
export function runJson(profile: Profile, id: string, scenario = 'quota-rush', error?: string) {
  const f = FIGURES[profile];
  const failed = profile === 'legacy';
  return {
    id,
    scenario,
    short: true,
    profile,
    defects: failed ? ['quota-race', 'billing-fragile', 'duplicate-submit', 'overload-collapse'] : [],
    engine: 'embedded',
    target: { url: 'http://127.0.0.1:8080', billingUrl: 'http://127.0.0.1:8081', startedByRun: true },
    startedAt: '2026-11-28T09:15:00.112Z',
    endedAt: '2026-11-28T09:15:30.524Z',
    versions: { 'paspor-lab': '0.1.0', node: 'v24.11.1', engine: 'embedded' },
    git: { commit: '611f103a9c2e5d7b1f0e4c3a2b1d0e9f8a7b6c5d', dirty: false },
    machine: {
      hostname: 'ci-runner',
      platform: 'linux',
      release: '6.1.0',
      arch: 'x64',
      cpus: 2,
      cpuModel: 'AMD EPYC 7B13',
      memoryBytes: 25_769_803_776,
    },
    verdict: {
      exitCode: error ? 1 : failed ? 99 : 0,
      passed: !failed && !error,
      failedThresholds: failed ? ['http_req_duration{step:book} p(95)<500'] : [],
      violatedInvariants: failed
        ? [
            { name: 'slot-over-capacity', violations: f.overCapacity },
            { name: 'duplicate-active-booking', violations: f.duplicates },
          ]
        : [],
      ...(error ? { error } : {}),
    },
  };
}

/**
 * timeseries.ndjson exactly as the embedded runner writes it (load-runner/src/outputs/timeseries.ts):
 * every second, per metric, one line for all scenarios (`scenario: null`) and one per scenario.
 */
export function timeseriesNdjson(profile: Profile, seconds = 30): string {
  const f = FIGURES[profile];
  const lines: string[] = [];
  const start = Date.parse('2026-11-28T09:15:00.000Z');
  const parts: Array<[string | null, number]> = [
    [null, 1],
    ['rush', 0.7],
    ['pollers', 0.3],
  ];
  for (let s = 0; s < seconds; s++) {
    const time = new Date(start + (s + 1) * 1000).toISOString();
    // The rush peaks in the middle of the run; legacy latency and errors climb with it.
    const load = Math.sin((Math.PI * (s + 0.5)) / seconds);
    const failRate = profile === 'legacy' ? f.failedApiRate * 2 * load : f.failedApiRate;
    const p95 = f.allP95 * (profile === 'legacy' ? 0.3 + load * 1.4 : 0.8 + load * 0.3);
    const total = Math.round((f.reqs / seconds) * (0.5 + load));
    for (const [scenario, share] of parts) {
      const count = Math.round(total * share);
      const fails = Math.round(count * failRate);
      // Pollers read cheap availability: their latency is a fraction of the rush's.
      const q = scenario === 'pollers' ? 0.4 : 1;
      const base = { time, second: s, scenario };
      lines.push(
        JSON.stringify({ ...base, metric: 'http_reqs', type: 'counter', count, rate: count }),
        JSON.stringify({
          ...base,
          metric: 'http_req_duration',
          type: 'trend',
          count,
          avg: p95 * q * 0.45,
          min: 1.2,
          max: p95 * q * 2.1,
          p50: p95 * q * 0.35,
          p90: p95 * q * 0.8,
          p95: p95 * q,
          p99: p95 * q * 1.5,
        }),
        // k6's http_req_failed: a "pass" of the rate is a failed request.
        JSON.stringify({
          ...base,
          metric: 'http_req_failed',
          type: 'rate',
          rate: count > 0 ? fails / count : 0,
          passes: fails,
          fails: count - fails,
        }),
        JSON.stringify({
          ...base,
          metric: 'payment_code_wait',
          type: 'trend',
          count: Math.round(count / 4),
          p50: profile === 'legacy' ? 800 + load * 9_000 : 400,
          p95: profile === 'legacy' ? 2_000 + load * 30_000 : 900,
          p99: profile === 'legacy' ? 3_000 + load * 40_000 : 1_400,
        }),
        JSON.stringify({
          ...base,
          metric: 'vus',
          type: 'gauge',
          value: Math.round(400 * load),
          min: 0,
          max: 400,
        }),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** server.ndjson as the CLI's sampler writes it: one flattened Prometheus scrape per second. */
export function serverNdjson(profile: Profile, seconds = 30): string {
  const lines: string[] = [];
  let booked = 0;
  let exhausted = 0;
  let served500 = 0;
  for (let s = 0; s < seconds; s++) {
    booked += profile === 'legacy' ? 9 : 7;
    exhausted += s > 10 ? 140 : 0;
    // legacy answers 500 while billing is down (seconds 12-17, the fault window of faultsNdjson)
    served500 += profile === 'legacy' && s >= 12 && s < 18 ? 6 : 0;
    lines.push(
      JSON.stringify({
        t: new Date(Date.parse('2026-11-28T09:15:00.000Z') + s * 1000).toISOString(),
        second: s,
        nodejs_eventloop_lag_p99_seconds: profile === 'legacy' ? 0.04 + s * 0.006 : 0.012,
        process_resident_memory_bytes: 180_000_000 + s * 1_000_000,
        'mpaspor_booking_attempts_total.booked': booked,
        'mpaspor_booking_attempts_total.quota_exhausted': exhausted,
        mpaspor_payment_codes_pending: profile === 'legacy' ? 20 + s : 1,
        mpaspor_slot_taken: Math.min(booked, profile === 'legacy' ? 1_000 : 140),
        'http_server_request_duration_seconds_count.201': booked,
        'http_server_request_duration_seconds_count.409': exhausted,
        'http_server_request_duration_seconds_count.500': served500,
        'http_server_request_duration_seconds_count.429': profile === 'hardened' && s > 5 ? s * 2 : 0,
      }),
    );
  }
  // A scrape that failed while the target was saturated is written as an error line.
  if (profile === 'legacy') {
    lines.push(JSON.stringify({ t: '2026-11-28T09:15:30.000Z', second: 30, error: 'status 503' }));
  }
  return `${lines.join('\n')}\n`;
}

/** faults.ndjson: the billing outage the legacy fixture's 500s line up with (seconds 12-18 of the series). */
export function faultsNdjson(): string {
  // Second 0 of the series closes at 09:15:01, so it opened at 09:15:00.
  return `${JSON.stringify({ kind: 'billing outage', startAt: '2026-11-28T09:15:12.000Z', endAt: '2026-11-28T09:15:18.000Z' })}\n`;
}

export interface RunFolderOptions {
  id?: string;
  scenario?: string;
  withInvariants?: boolean;
  withTimeseries?: boolean;
  withP99?: boolean;
  /** Writes a run that could not be done: run.json carries the engine's error. */
  error?: string;
}

/** Writes a whole run folder under `parent` and returns its path. */
export async function writeRunFolder(parent: string, profile: Profile, options: RunFolderOptions = {}) {
  const id = options.id ?? `20261128-091500-quota-rush-${profile}`;
  const dir = join(parent, id);
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'run.json'),
    JSON.stringify(runJson(profile, id, options.scenario, options.error), null, 2),
  );
  await writeFile(
    join(dir, 'summary.json'),
    JSON.stringify(
      k6Summary(profile, options.withP99 === undefined ? {} : { withP99: options.withP99 }),
      null,
      2,
    ),
  );
  if (options.withTimeseries !== false) {
    await writeFile(join(dir, 'timeseries.ndjson'), timeseriesNdjson(profile));
  }
  await writeFile(join(dir, 'server.ndjson'), serverNdjson(profile));
  if (profile === 'legacy') await writeFile(join(dir, 'faults.ndjson'), faultsNdjson());
  if (options.withInvariants !== false) {
    await writeFile(join(dir, 'invariants.json'), JSON.stringify(invariantsJson(profile), null, 2));
  }
  return dir;
}

export function tempParent(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'paspor-reports-'));
}
