// SIGTERM on the real API process (startStack) over real HTTP, on PGlite and (api-postgres pass) on
// PostgreSQL: idle keep-alive connections are closed first; every request in flight is answered and
// asks the client to hang up; requests that arrive while draining get 503 problem+json with Retry-After
// (they were reset, or answered Fastify's plain JSON without Retry-After); the process exits 0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../serve.ts';
import { type TestDatabase, testDatabase } from './support/database.ts';
import { http } from './support/http.ts';
import { RawConnection, rawGet } from './support/raw-http.ts';

// Long enough that ordering (idle closed before any in-flight answer) holds with seconds to spare on a
// machine three times slower; short enough that PGlite, one statement at a time, drains three requests
// well inside the API's 10 s shutdown deadline.
const DB_LATENCY_MS = 1_500;
const IN_FLIGHT = 3;

let stack: Stack;
let database: TestDatabase | undefined;

beforeAll(async () => {
  database = process.env.PASPOR_TEST_DB === 'postgres' ? await testDatabase('paspor_drain') : undefined;
  stack = await startStack({
    port: 0,
    billingPort: 0,
    databaseUrl: database?.url,
    env: { LOG_LEVEL: 'warn' },
  });
}, 90_000);
afterAll(async () => {
  await stack?.stop();
  await database?.drop();
});

function expectDrainRefusal(answer: { status: number; headers: Record<string, string>; body: string }) {
  expect(answer.status, answer.body).toBe(503);
  expect(answer.headers['content-type']).toContain('application/problem+json');
  expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(answer.headers.connection).toBe('close');
  const problem = JSON.parse(answer.body);
  expect(problem).toMatchObject({ type: 'https://paspor-lab.dev/problems/shutting-down', status: 503 });
  expect(problem.traceId).toMatch(/^[0-9a-f]{32}$/);
}

describe('the shutdown drain', () => {
  it('closes idle keep-alive connections first, answers every request in flight, refuses late ones as problems, exits 0', async () => {
    const api = http(stack.apiUrl);
    const admin = { authorization: `Bearer ${stack.adminToken}` };
    const seeded = await api.post('/admin/seed', { accounts: 1 }, admin);
    const token: string = seeded.body.accounts[0].token;
    const port = Number(new URL(stack.apiUrl).port);

    // Kept-alive connections that answered one request and now sit idle.
    const idle = Array.from({ length: 3 }, () => new RawConnection(port));
    for (const connection of idle) {
      await connection.opened;
      const answer = await connection.send(rawGet('/health/live'));
      expect(answer.status).toBe(200);
      expect(answer.headers.connection).not.toBe('close');
    }

    // Requests in flight when the signal comes: each waits on the slow database.
    expect((await api.put('/admin/faults', { database: { latencyMs: DB_LATENCY_MS } }, admin)).status).toBe(
      200,
    );
    const busy = Array.from({ length: IN_FLIGHT }, () => new RawConnection(port));
    for (const connection of busy) await connection.opened;
    const inFlight = busy.map((connection) =>
      connection
        .send(rawGet('/v1/applicants', { authorization: `Bearer ${token}` }))
        .then((answer) => ({ answer, at: performance.now() })),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));

    process.kill(stack.pids().api, 'SIGTERM');
    const exited = stack.exited;

    // While the drain waits on the database: a new connection, and the readiness probe.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const late = new RawConnection(port);
    await late.opened;
    expectDrainRefusal(await late.send(rawGet('/v1/offices')));
    const probe = new RawConnection(port);
    await probe.opened;
    expectDrainRefusal(await probe.send(rawGet('/health/ready')));

    const answered = await Promise.all(inFlight);
    for (const { answer } of answered) {
      expect(answer.status, answer.body).toBe(200);
      expect(JSON.parse(answer.body)).toHaveLength(1);
      expect(answer.headers.connection).toBe('close');
    }
    const idleClosedAt = await Promise.all(idle.map((connection) => connection.closed));
    const firstAnswerAt = Math.min(...answered.map(({ at }) => at));
    expect(Math.max(...idleClosedAt)).toBeLessThan(firstAnswerAt);
    // The server hangs up after each last answer; nothing is left for a client to send on.
    await Promise.all([...busy, late, probe].map((connection) => connection.closed));

    const exit = await exited;
    expect(exit).toMatchObject({ service: 'api', code: 0, signal: null });
  }, 120_000);
});
