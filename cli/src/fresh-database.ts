// A fresh database for every run of a verification, cheaply: the PGlite data folder is created and
// migrated once (cached per migration set), and each run's API opens a copy of it in tmpfs. Measured
// (bench:verify, BENCH_FRESH_DB=1): opening a copy costs ~0.4 s of CPU, against ~2.7 s for an in-memory
// PGlite migrated at start; a TRUNCATE of one warm stack costs ~20 ms but keeps the processes' caches,
// breaker and outbox state, and needs one warm stack per side, so fresh processes on a copy were chosen.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const migrationsDir = fileURLToPath(new URL('../../target-api/api/src/storage/migrations/', import.meta.url));
const pglitePackage = fileURLToPath(
  new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url),
);

export const FRESH_DATABASE_METHOD = 'prepared-pglite-folder';
export const FRESH_DATABASE_NOTE =
  'each run started its own API and billing simulator on a copy (in tmpfs) of a PGlite data folder migrated once';

/** tmpfs where there is one: the copy is then as fast as PGlite in memory. */
function scratchRoot(): string {
  return existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
}

/** The migrations and the PGlite version name the prepared folder: a new migration prepares a new one. */
function preparedKey(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(migrationsDir).sort()) {
    hash.update(file);
    hash.update(readFileSync(join(migrationsDir, file)));
  }
  hash.update(existsSync(pglitePackage) ? readFileSync(pglitePackage) : 'pglite');
  return hash.digest('hex').slice(0, 16);
}

/** Creates (once) and returns the migrated PGlite data folder. */
export async function preparedPgliteFolder(): Promise<string> {
  const dir = join(tmpdir(), `paspor-lab-pglite-${preparedKey()}`);
  if (existsSync(join(dir, 'PG_VERSION'))) return dir;
  const { openDatabase } = await import('@paspor-lab/target-api/storage');
  // Built beside its final place and renamed into it, so a crash never leaves a half-made folder there.
  const building = mkdtempSync(`${dir}-building-`);
  const db = await openDatabase({ databaseUrl: undefined, pgliteDataDir: building, poolSize: 1 });
  await db.close();
  try {
    renameSync(building, dir);
  } catch {
    rmSync(building, { recursive: true, force: true }); // another verification prepared it meanwhile
  }
  return dir;
}

export interface FreshCopy {
  dir: string;
  remove(): void;
}

/** A copy of the prepared folder for one run, removed after it. */
export function freshCopy(prepared: string): FreshCopy {
  const dir = mkdtempSync(join(scratchRoot(), 'paspor-lab-run-db-'));
  cpSync(prepared, dir, { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
