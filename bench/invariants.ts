// npm run bench:invariants: the CPU one pass of the API's own invariant watch costs (INVARIANT_CHECK_MS,
// target-api/api/src/admin/invariants.ts), on PGlite (in this process: process.cpuUsage) and on
// PostgreSQL (the one backend serving a pool of one: utime + stime from /proc/<pid>/stat, which counts
// only that backend's work whatever else the machine runs). CPU time, not wall time, so the figure holds
// on a busy machine. BENCH_BOOKINGS (default 5000) bookings are written first: a quota rush's worth.
import { readFileSync } from 'node:fs';
import { buildApp } from '@paspor-lab/target-api/api';
import { loadConfig } from '@paspor-lab/target-api/api/config';
import { invariantWatch } from '@paspor-lab/target-api/invariants';
import { createScratchDatabase } from '@paspor-lab/target-api/scratch-database';

const BOOKINGS = Number(process.env.BENCH_BOOKINGS ?? 5000);
const PASSES = Number(process.env.BENCH_PASSES ?? 40);
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function procCpuMs(pid: number): number {
  // Fields after the command name (which may hold spaces, so split after the last ')').
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}

async function measure(engine: 'pglite' | 'postgres'): Promise<void> {
  const scratch =
    engine === 'postgres'
      ? await createScratchDatabase(
          process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
          'paspor_bench_watch',
        )
      : undefined;
  const config = loadConfig({
    BACKGROUND_JOBS: 'false',
    LOG_LEVEL: 'warn',
    DB_POOL_SIZE: '1',
    ...(scratch ? { DATABASE_URL: scratch.url } : {}),
  });
  const app = await buildApp(config);
  try {
    const db = app.pasporCtx.db;
    const now = new Date().toISOString();
    await db.query(
      `INSERT INTO accounts (id, email, name, date_of_birth, gender, phone, password_hash, created_at)
       VALUES ('bench', 'bench@example.id', 'Bench', '1990-01-01', 'F', '+62811', 'x', $1)`,
      [now],
    );
    await db.query(
      `INSERT INTO applicants (id, account_id, nik, name, date_of_birth, gender, created_at)
       SELECT 'a' || i, 'bench', '31' || lpad(i::text, 14, '0'), 'Bench', '1990-01-01', 'F', $1::timestamptz
       FROM generate_series(1, $2::int) i`,
      [now, BOOKINGS],
    );
    // Spread over the released slots, a third without a code, created over the last minute.
    await db.query(
      `INSERT INTO bookings (id, account_id, applicant_id, nik, slot_id, status, fee, passport_type, validity_years,
         application_type, purpose, created_at, issue_by, code_issued_at)
       SELECT 'b' || i, 'bench', 'a' || i, '31' || lpad(i::text, 14, '0'),
              (SELECT id FROM slots ORDER BY id OFFSET (i % 50) LIMIT 1),
              CASE WHEN i % 3 = 0 THEN 'HELD' ELSE 'WAITING_PAYMENT' END, 350000, 'ELEKTRONIK', 10, 'BARU', 'WISATA',
              $1::timestamptz - (i % 60) * interval '1 second', $1::timestamptz,
              CASE WHEN i % 3 = 0 THEN NULL ELSE $1::timestamptz END
       FROM generate_series(1, $2::int) i`,
      [now, BOOKINGS],
    );
    const backend =
      engine === 'postgres'
        ? (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid
        : undefined;
    if (process.env.BENCH_LOG_SLOW)
      await db.query(`SET log_min_duration_statement = ${Number(process.env.BENCH_LOG_SLOW)}`);
    const pass = invariantWatch(app.pasporCtx);
    // Fresh tables first (a short run ends before autovacuum has analysed them), then with statistics.
    for (const state of ['fresh tables', 'after ANALYZE']) {
      if (state === 'after ANALYZE') await db.query('ANALYZE');
      await pass(); // warm: pages in memory
      const cpu0 = process.cpuUsage();
      const server0 = backend ? procCpuMs(backend) : 0;
      for (let i = 0; i < PASSES; i++) await pass();
      const cpu = process.cpuUsage(cpu0);
      const nodeMs = (cpu.user + cpu.system) / 1000 / PASSES;
      const serverMs = backend ? (procCpuMs(backend) - server0) / PASSES : 0;
      const where =
        engine === 'pglite'
          ? `${nodeMs.toFixed(1)} ms CPU in the API process (PGlite runs in it)`
          : `${serverMs.toFixed(1)} ms CPU in the PostgreSQL backend + ${nodeMs.toFixed(1)} ms in the API process`;
      console.log(`${engine}, ${BOOKINGS} bookings, ${state}: one watch pass = ${where} (mean of ${PASSES})`);
    }
  } finally {
    await app.close();
    await scratch?.drop();
  }
}

await measure('pglite');
await measure('postgres');
