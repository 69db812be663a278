// The PGlite engine's own thread: opens PGlite (PostgreSQL in WASM) and runs the statements the main
// thread posts, one at a time, in arrival order. SQL then runs beside the event loop instead of on it
// (pglite.ts says why and what it measured). Node strips the types of this file itself: it is loaded
// by `new Worker`, outside any bundler, so it imports nothing but PGlite and node: modules.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

/** What the main thread asks for; `id` pairs the answer with the question. */
export type Question =
  | { op: 'query'; sql: string; params: unknown[] | undefined }
  | { op: 'exec'; sql: string }
  | { op: 'close' };
export type Request = Question & { id: number };

export type Answer =
  | { id: number; ok: true; rows: unknown[]; rowCount: number }
  | { id: number; ok: false; error: Record<string, unknown> };

/** An error as plain data (structured clone keeps only some Error fields): message, code, constraint... */
function plainError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const fields: Record<string, unknown> = { message: error.message, name: error.name };
  for (const [key, value] of Object.entries(error)) {
    if (value === undefined || typeof value === 'function') continue;
    if (typeof value === 'object' && value !== null) continue;
    fields[key] = value;
  }
  return fields;
}

const port = parentPort;
if (!port) throw new Error('pglite-worker.ts runs as a worker thread (new Worker), not on its own');
const { dataDir } = workerData as { dataDir: string | undefined };
const db = dataDir ? new PGlite(dataDir) : new PGlite();

// Statements are answered strictly in order: the main thread's queue decides who runs when, this
// thread only keeps the order it was given (a transaction's BEGIN, statements and COMMIT included).
let tail: Promise<unknown> = db.waitReady.then(
  () => port.postMessage({ id: 0, ok: true, rows: [], rowCount: 0 } satisfies Answer),
  (error: unknown) => port.postMessage({ id: 0, ok: false, error: plainError(error) } satisfies Answer),
);

async function answer(request: Request): Promise<Answer> {
  try {
    if (request.op === 'query') {
      const result = await db.query(request.sql, request.params);
      return {
        id: request.id,
        ok: true,
        rows: result.rows,
        rowCount: result.affectedRows ?? result.rows.length,
      };
    }
    if (request.op === 'exec') {
      await db.exec(request.sql);
      return { id: request.id, ok: true, rows: [], rowCount: 0 };
    }
    await db.close();
    return { id: request.id, ok: true, rows: [], rowCount: 0 };
  } catch (error) {
    return { id: request.id, ok: false, error: plainError(error) };
  }
}

port.on('message', (request: Request) => {
  tail = tail.then(async () => {
    port.postMessage(await answer(request));
    if (request.op === 'close') port.close();
  });
});
