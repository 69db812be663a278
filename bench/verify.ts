// `npm run bench:verify`: how often `paspor-lab verify quota-rush --short` reaches the right verdict.
// Legacy against hardened should be verified (issue 11 asks >= 19 of 20); hardened against hardened
// (A/A) should almost never say verified or regressed (<= 1 of 20). Each verification is the real
// command in its own process (6 short runs, fresh stacks); wall and CPU time are recorded per
// verification, and the machine's load average is printed, since wall time on a shared machine drifts.
//   BENCH_VERIFICATIONS (20 per kind), BENCH_KINDS (fix,aa), BENCH_FRESH_DB=1 (also measure the cost of
//   a fresh database: in-memory PGlite + migrations, a copy of a prepared folder, a TRUNCATE of a warm one)
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Verification } from '@paspor-lab/reports/contract';

const count = Number(process.env.BENCH_VERIFICATIONS ?? '20');
const kinds = (process.env.BENCH_KINDS ?? 'fix,aa').split(',').map((k) => k.trim());
const bin = fileURLToPath(new URL('../cli/bin/paspor-lab.ts', import.meta.url));
if (!Number.isInteger(count) || count < 1) {
  console.error(`BENCH_VERIFICATIONS "${process.env.BENCH_VERIFICATIONS}" is not a whole number >= 1`);
  process.exit(2);
}

const KINDS: Record<
  string,
  { label: string; flags: string[]; good: (v: Verification) => boolean; goal: string }
> = {
  fix: {
    label: 'legacy vs hardened',
    flags: ['--baseline', 'legacy', '--candidate', 'hardened'],
    good: (v) => v.outcome.exitCode === 0,
    goal: '>= 19 of 20 verified',
  },
  aa: {
    label: 'hardened vs hardened (A/A)',
    flags: ['--baseline', 'hardened', '--candidate', 'hardened'],
    // Good: no claim at all says verified or regressed.
    good: (v) =>
      ![...v.defectClaims, ...v.sloClaims].some((c) => c.verdict === 'verified' || c.verdict === 'regressed'),
    goal: '<= 1 of 20 verified or regressed',
  },
};

interface Result {
  verification: Verification | null;
  exitCode: number | null;
  wallMs: number;
  cpuS: number | null;
}

async function verifyOnce(flags: string[]): Promise<Result> {
  const out = mkdtempSync(join(tmpdir(), 'paspor-bench-verify-'));
  const started = performance.now();
  try {
    // /usr/bin/time reports the CPU the verification and its children used, which wall time does not.
    const child = spawn(
      '/usr/bin/time',
      [
        '-f',
        'cpu %U %S',
        process.execPath,
        bin,
        'verify',
        'quota-rush',
        '--short',
        '--format',
        'json',
        '--out',
        join(out, 'v'),
        ...flags,
      ],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, DATABASE_URL: '' },
      },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exitCode = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const cpu = /cpu ([\d.]+) ([\d.]+)/.exec(stderr);
    let verification: Verification | null = null;
    try {
      verification = JSON.parse(readFileSync(join(out, 'v', 'verification.json'), 'utf8')) as Verification;
    } catch {
      process.stderr.write(
        `no verification.json (exit ${exitCode}): ${stderr.trim().split('\n').slice(-3).join(' | ')}\n`,
      );
    }
    return {
      verification,
      exitCode,
      wallMs: performance.now() - started,
      cpuS: cpu ? Number(cpu[1]) + Number(cpu[2]) : null,
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0
    ? Number.NaN
    : s.length % 2
      ? (s[(s.length - 1) / 2] ?? 0)
      : ((s[s.length / 2 - 1] ?? 0) + (s[s.length / 2] ?? 0)) / 2;
};

async function freshDatabaseCosts(): Promise<string[]> {
  const { openDatabase } = await import('@paspor-lab/target-api/storage');
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const measure = async (work: () => Promise<void>) => {
    const c = cpuMs();
    await work();
    return cpuMs() - c;
  };
  const root = mkdtempSync(join(tmpdir(), 'paspor-bench-db-'));
  const prepared = join(root, 'prepared');
  const prepare = await measure(async () =>
    (await openDatabase({ databaseUrl: undefined, pgliteDataDir: prepared, poolSize: 1 })).close(),
  );
  const memory: number[] = [];
  const copy: number[] = [];
  for (let i = 0; i < 3; i++) {
    memory.push(
      await measure(async () =>
        (await openDatabase({ databaseUrl: undefined, pgliteDataDir: undefined, poolSize: 1 })).close(),
      ),
    );
    copy.push(
      await measure(async () => {
        const dir = join(root, `copy-${i}`);
        cpSync(prepared, dir, { recursive: true });
        await (await openDatabase({ databaseUrl: undefined, pgliteDataDir: dir, poolSize: 1 })).close();
      }),
    );
  }
  const warm = await openDatabase({ databaseUrl: undefined, pgliteDataDir: undefined, poolSize: 1 });
  const tables = (
    await warm.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'",
    )
  ).rows.map((r) => r.tablename);
  const reset: number[] = [];
  for (let i = 0; i < 3; i++)
    reset.push(
      await measure(
        async () => void (await warm.query(`TRUNCATE ${tables.join(', ')} RESTART IDENTITY CASCADE`)),
      ),
    );
  await warm.close();
  rmSync(root, { recursive: true, force: true });
  return [
    'fresh database per run, CPU ms of this process (median of 3):',
    `  in-memory PGlite + migrations: ${Math.round(median(memory))}`,
    `  copy of a prepared data folder + open: ${Math.round(median(copy))} (preparing it once: ${Math.round(prepare)})`,
    `  TRUNCATE of a warm database (${tables.length} tables): ${Math.round(median(reset))}`,
  ];
}

const started = new Date();
const loadBefore = loadavg()[0] ?? 0;
const lines: string[] = [];
for (const kind of kinds) {
  if (!KINDS[kind]) {
    console.error(`BENCH_KINDS names "${kind}": use some of ${Object.keys(KINDS).join(',')}`);
    process.exit(2);
  }
}
// The kinds take turns (fix 1, aa 1, fix 2, aa 2, ...), so that a machine whose load drifts during the
// hour this takes weighs on both kinds alike, as verify itself interleaves its runs.
const results = new Map<string, Result[]>(kinds.map((k) => [k, []]));
for (let i = 0; i < count; i++) {
  for (const kind of kinds) {
    const r = await verifyOnce(KINDS[kind]?.flags ?? []);
    results.get(kind)?.push(r);
    const v = r.verification;
    process.stderr.write(
      `${kind} ${i + 1}/${count}: exit ${r.exitCode} ${v ? `${v.outcome.sentence}` : ''} (${(r.wallMs / 1000).toFixed(0)} s, load ${(loadavg()[0] ?? 0).toFixed(1)})\n`,
    );
  }
}
for (const kind of kinds) {
  const spec = KINDS[kind];
  const done = results.get(kind) ?? [];
  if (!spec) continue;
  const good = done.filter((r) => r.verification && spec.good(r.verification)).length;
  const flagged = done.filter((r) =>
    [...(r.verification?.defectClaims ?? []), ...(r.verification?.sloClaims ?? [])].some(
      (c) => c.verdict === 'verified' || c.verdict === 'regressed',
    ),
  ).length;
  const cpu = done.map((r) => r.cpuS).filter((c): c is number => c !== null);
  lines.push(
    `${spec.label}: ${kind === 'fix' ? `${good} of ${count} verified (exit 0)` : `${flagged} of ${count} said verified or regressed`}; goal ${spec.goal}; median ${(median(done.map((r) => r.wallMs)) / 1000).toFixed(0)} s wall, ${median(cpu).toFixed(0)} s CPU per verification`,
  );
}
if (process.env.BENCH_FRESH_DB === '1') lines.push(...(await freshDatabaseCosts()));
console.log(
  `bench:verify, quota-rush --short, 3 runs a side (Node ${process.version}, ${started.toISOString()}, load average ${loadBefore.toFixed(1)} -> ${(loadavg()[0] ?? 0).toFixed(1)})`,
);
for (const line of lines) console.log(line);
