// Opens the configured engine and brings its schema up to date.
import type { Database, LatencySource } from './database.ts';
import { migrate } from './migrate.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';

export type { Database, PoolStats, Queryable } from './database.ts';
export { isUniqueViolation } from './database.ts';
export { migrationsApplied } from './migrate.ts';

export interface StorageOptions {
  databaseUrl: string | undefined;
  pgliteDataDir: string | undefined;
  poolSize: number;
  latency?: LatencySource;
}

export async function openDatabase(options: StorageOptions): Promise<Database> {
  const latency = options.latency ?? (() => 0);
  const db = options.databaseUrl
    ? await openPostgres(options.databaseUrl, options.poolSize, latency)
    : await openPglite(options.pgliteDataDir, latency);
  await migrate(db);
  return db;
}
