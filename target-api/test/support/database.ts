// A PostgreSQL database of its own for one test file, created on the machine's server and dropped after.
import { createScratchDatabase } from '../../shared/scratch-database.ts';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

export async function testDatabase(prefix: string): Promise<TestDatabase> {
  return createScratchDatabase(serverUrl, prefix);
}
