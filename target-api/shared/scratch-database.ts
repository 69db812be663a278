// A PostgreSQL database of its own, created on the server of `serverUrl` and dropped when done: one per
// scenario run (a run's invariants read the whole database, so a run must not inherit another's
// bookings) and one per test file.
import pg from 'pg';

export interface ScratchDatabase {
  /** The connection URL of the new database (the server URL with its path replaced). */
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function onServer<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates `<prefix>_<unique suffix>` (lower case, at most 63 characters, PostgreSQL's limit). */
export async function createScratchDatabase(serverUrl: string, prefix: string): Promise<ScratchDatabase> {
  const suffix = `${process.pid.toString(36)}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
  const stem = prefix.toLowerCase().replace(/[^a-z0-9_]+/g, '_');
  const name = `${stem.slice(0, 62 - suffix.length)}_${suffix}`;
  await onServer(serverUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      await onServer(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
