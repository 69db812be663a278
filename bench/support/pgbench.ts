// pgbench running bench/pgbench/booking.sql (one booking's SQL, as the API sends it) on a database of its
// own: the rate PostgreSQL itself reaches on this machine for the same statements, the yardstick that
// bench:api divides the API's booked/s by. Also reads the script's statements for the test that checks
// them against the API's.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { createScratchDatabase } from '@paspor-lab/target-api/scratch-database';
import { openDatabase } from '@paspor-lab/target-api/storage';
import pg from 'pg';
import { cpuMsOf } from './proc-cpu.ts';

export const BOOKING_SCRIPT = join(import.meta.dirname, '..', 'pgbench', 'booking.sql');
const PGBENCH = process.env.PGBENCH || '/usr/bin/pgbench';
/** Bookers seeded per pgbench client: booker ids are client * 1000000 + 1.. (see booking.sql). */
const PER_CLIENT_LIMIT = 1_000_000;
const SLOT = 'pgbench-office|2030-01-07|PAGI|REGULER';

/** The SQL statements of a pgbench script, in order: comments and meta-commands (`\set`) left out. */
export function scriptStatements(script: string): string[] {
  const sql = script
    .split('\n')
    .filter((line) => !/^\s*(--|\\)/.test(line))
    .join('\n');
  return sql
    .split(/;\s*$/m)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}

/**
 * One shape for a statement from either side: whitespace collapsed, and each parameter (`$3` from the
 * API, `:name` from pgbench, not a `::type` cast) written `$?`, so only the SQL around the values counts.
 */
export function statementShape(sql: string): string {
  return sql
    .replace(/\$\d+/g, '$?')
    .replace(/(?<![:\w]):[a-z_][a-z0-9_]*/g, '$?')
    .replace(/\s+/g, ' ')
    .replace(/\( /g, '(')
    .replace(/ \)/g, ')')
    .trim();
}

export interface PgbenchResult {
  clients: number;
  mode: PgbenchMode;
  seconds: number;
  /** Transactions per second, without connection set-up: one transaction = one booking's SQL. */
  tps: number;
  transactions: number;
  failed: number;
  /** Milliseconds of CPU of PostgreSQL's backends per transaction, sampled in the middle of the run. */
  databaseCpuPerTransaction: number | undefined;
}

/** How pgbench sends statements: `extended` as node-postgres does, `prepared` parsed once per connection. */
export type PgbenchMode = 'extended' | 'prepared';

/** Seeds `perClient` bookers for each client and one slot with room for all of them. */
async function seed(url: string, clients: number, perClient: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO offices (id, name, kind, city, time_zone, lat, lon, daily_quota)
       VALUES ('pgbench-office', 'pgbench', 'KANIM', 'Batam', 'WIB', 1.1, 104.0, 1000)`,
    );
    await client.query(
      `INSERT INTO slots (id, office_id, date, session, category, capacity, released_at)
       VALUES ($1, 'pgbench-office', '2030-01-07', 'PAGI', 'REGULER', 1000000000, now())`,
      [SLOT],
    );
    const bookers = `SELECT (c * ${PER_CLIENT_LIMIT} + i)::text AS id
       FROM generate_series(0, $1::int - 1) AS c, generate_series(1, $2::int) AS i`;
    await client.query(
      `INSERT INTO accounts (id, email, name, date_of_birth, gender, phone, password_hash, activated, created_at)
       SELECT id, id || '@pgbench.test', 'pgbench', '1990-01-01', 'F', '0800', 'x', true, now() FROM (${bookers}) b`,
      [clients, perClient],
    );
    await client.query(
      `INSERT INTO applicants (id, account_id, nik, name, date_of_birth, gender, created_at)
       SELECT id, id, id, 'pgbench', '1990-01-01', 'F', now() FROM (${bookers}) b`,
      [clients, perClient],
    );
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}

function parse(
  output: string,
  clients: number,
  seconds: number,
): Omit<PgbenchResult, 'mode' | 'databaseCpuPerTransaction'> {
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(output)?.[1];
  const done = /number of transactions actually processed: (\d+)/.exec(output)?.[1];
  const failed = /number of failed transactions: (\d+)/.exec(output)?.[1] ?? '0';
  if (tps === undefined || done === undefined)
    throw new Error(`pgbench printed no rate; its output:\n${output.slice(-800)}`);
  return { clients, seconds, tps: Number(tps), transactions: Number(done), failed: Number(failed) };
}

/**
 * pgbench with booking.sql for `seconds` on a fresh database of `serverUrl` (migrated by the API's own
 * migrations), `clients` connections. `-M extended`: parameters bound per statement, parsed every time,
 * as the API's `pg` driver sends them.
 */
export async function runPgbench(
  serverUrl: string,
  options: { clients: number; seconds: number; expectedTps?: number; mode?: PgbenchMode },
): Promise<PgbenchResult> {
  const { clients, seconds } = options;
  const mode = options.mode ?? 'extended';
  // Enough bookers that no client runs out: 3x the expected rate (pgbench stops a client on an error).
  const perClient = Math.ceil((3 * (options.expectedTps ?? 4000) * seconds) / clients);
  const scratch = await createScratchDatabase(serverUrl, 'paspor_pgbench');
  try {
    const db = await openDatabase({ databaseUrl: scratch.url, pgliteDataDir: undefined, poolSize: 1 });
    await db.close();
    await seed(scratch.url, clients, perClient);
    const url = new URL(scratch.url);
    const at = new Date('2030-01-01T01:00:00.000Z');
    const later = (minutes: number) => new Date(at.getTime() + minutes * 60_000).toISOString();
    const values = {
      i: '0',
      slot: SLOT,
      active: '{HELD,WAITING_PAYMENT,PAID}',
      // The API binds NULL (no Idempotency-Key); pgbench cannot, and a key nobody stored finds no row alike.
      no_key: 'none',
      // ...and hold_seat() remembers no key: the flag the API sets when there is none.
      remember_key: 'false',
      // The hardened default of MAX_ACTIVE_HOLDS_PER_ACCOUNT: the account is locked and its holds counted.
      max_holds: '5',
      fee: '650000',
      passport_type: 'E_PASPOR',
      validity: '10',
      application_type: 'BARU',
      purpose: 'wisata',
      created_at: at.toISOString(),
      issue_by: later(10),
      next_attempt_at: later(1),
      outbox: 'true',
      trace_context: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      issued_at: later(0),
      pay_by: later(120),
    };
    const args = [
      '-n',
      '-M',
      mode,
      '-c',
      String(clients),
      '-j',
      String(Math.min(clients, 2)),
      '-T',
      String(seconds),
      '-f',
      BOOKING_SCRIPT,
      '-h',
      url.hostname,
      '-p',
      url.port || '5432',
      '-U',
      decodeURIComponent(url.username) || 'postgres',
      ...Object.entries(values).flatMap(([name, value]) => ['-D', `${name}=${value}`]),
      url.pathname.slice(1),
    ];
    const running = promisify(execFile)(PGBENCH, args, {
      env: { ...process.env, PGPASSWORD: decodeURIComponent(url.password) },
      maxBuffer: 16 * 1024 * 1024,
    });
    const sampled = sampleBackendCpu(serverUrl, scratch.name, seconds);
    const { stdout, stderr } = await running;
    const result = parse(`${stdout}\n${stderr}`, clients, seconds);
    if (result.failed > 0) throw new Error(`pgbench: ${result.failed} transactions failed:\n${stderr}`);
    const cpu = await sampled;
    return {
      ...result,
      mode,
      databaseCpuPerTransaction: cpu === undefined ? undefined : cpu.cpuMs / (result.tps * cpu.seconds),
    };
  } finally {
    await scratch.drop();
  }
}

/**
 * CPU of the backends serving `database` over the middle of a run of `seconds` (from a quarter to three
 * quarters in): the backends exist only while pgbench runs, so they are read while it does.
 */
async function sampleBackendCpu(
  serverUrl: string,
  database: string,
  seconds: number,
): Promise<{ cpuMs: number; seconds: number } | undefined> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const pids = async () =>
      (
        await client.query<{ pid: number }>(
          'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [database],
        )
      ).rows.map((row) => row.pid);
    await sleep(seconds * 250);
    const from = performance.now();
    const before = cpuMsOf(await pids());
    await sleep(seconds * 500);
    const after = cpuMsOf([...before.keys()]);
    const elapsed = (performance.now() - from) / 1000;
    let total = 0;
    for (const [pid, ms] of after) total += ms - (before.get(pid) ?? ms);
    return before.size > 0 ? { cpuMs: total, seconds: elapsed } : undefined;
  } finally {
    await client.end();
  }
}

export function readBookingScript(): string[] {
  return scriptStatements(readFileSync(BOOKING_SCRIPT, 'utf8'));
}
