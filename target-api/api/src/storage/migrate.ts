// Applies the .sql files of migrations/ in name order, once each, recorded in schema_migrations.
// An advisory lock keeps two API processes starting together on one PostgreSQL from racing.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from './database.ts';

const MIGRATIONS_DIR = join(import.meta.dirname, 'migrations');
const LOCK_KEY = 712_2022;

export function migrationFiles(): string[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((name) => name.endsWith('.sql'))
    .sort();
}

export async function migrate(db: Database): Promise<string[]> {
  const applied: string[] = [];
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await tx.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = await tx.query<{ version: string }>('SELECT version FROM schema_migrations');
    const seen = new Set(done.rows.map((row) => row.version));
    for (const file of migrationFiles()) {
      if (seen.has(file)) continue;
      const sql = readFileSync(join(MIGRATIONS_DIR, file), 'utf8');
      for (const statement of splitStatements(sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version) VALUES ($1)', [file]);
      applied.push(file);
    }
  });
  return applied;
}

/** True when every migration file is recorded as applied (readiness). */
export async function migrationsApplied(db: Database): Promise<boolean> {
  const done = await db.query<{ version: string }>('SELECT version FROM schema_migrations');
  const seen = new Set(done.rows.map((row) => row.version));
  return migrationFiles().every((file) => seen.has(file));
}

/**
 * Splits a migration on semicolons at line ends, except inside a dollar-quoted body (a function's,
 * whose statements end the same way); comment lines outside such a body are dropped.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current: string[] = [];
  let inBody = false;
  for (const line of sql.split('\n')) {
    if (!inBody && /^\s*--/.test(line)) continue;
    current.push(line);
    if ((line.match(/\$\$/g)?.length ?? 0) % 2 === 1) inBody = !inBody;
    if (!inBody && /;\s*$/.test(line)) {
      statements.push(current.join('\n').replace(/;\s*$/, '').trim());
      current = [];
    }
  }
  statements.push(current.join('\n').trim());
  return statements.filter((statement) => statement.length > 0);
}
