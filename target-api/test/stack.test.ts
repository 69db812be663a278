// startStack's process management: both processes stop together, a death is reported, a start failure
// names the process and leaves nothing running, and the API can be killed and restarted on purpose.
import { describe, expect, it } from 'vitest';
import { freePort, StackStartError, startStack } from '../serve.ts';
import { testDatabase } from './support/database.ts';
import { http } from './support/http.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health/live`, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

// Each test starts real processes; PGlite's start alone takes seconds on a busy 2-core machine.
const STACK_TEST_TIMEOUT_MS = 120_000;

describe('startStack', () => {
  it(
    'reports the API dying and stops the billing simulator with it',
    async () => {
      const stack = await startStack({ port: 0, billingPort: 0, env: { LOG_LEVEL: 'warn' } });
      try {
        const { api, billingSim } = stack.pids();
        expect(await answers(stack.billingUrl)).toBe(true);
        process.kill(api, 'SIGKILL');
        const exit = await stack.exited;
        expect(exit).toMatchObject({ service: 'api', signal: 'SIGKILL' });
        await stack.stop();
        expect(alive(billingSim)).toBe(false);
        expect(await answers(stack.billingUrl)).toBe(false);
      } finally {
        await stack.stop();
      }
    },
    STACK_TEST_TIMEOUT_MS,
  );

  it(
    'fails to start with the failing process and its reason, leaving nothing running',
    async () => {
      const billingPort = await freePort();
      const start = startStack({ port: 0, billingPort, env: { DB_POOL_SIZE: 'many' } });
      await expect(start).rejects.toThrow(StackStartError);
      await expect(start).rejects.toThrow(/the API exited \(code 2\) before it was ready: .*DB_POOL_SIZE/);
      expect(await answers(`http://127.0.0.1:${billingPort}`)).toBe(false);
    },
    STACK_TEST_TIMEOUT_MS,
  );

  it(
    'restarts a killed API on purpose without reporting a death; on PostgreSQL its data survives',
    async () => {
      const database =
        process.env.PASPOR_TEST_DB === 'postgres' ? await testDatabase('paspor_stack') : undefined;
      const stack = await startStack({
        port: 0,
        billingPort: 0,
        databaseUrl: database?.url,
        env: { LOG_LEVEL: 'warn' },
      });
      try {
        const api = http(stack.apiUrl);
        const seeded = await api.post(
          '/admin/seed',
          { accounts: 1 },
          { authorization: `Bearer ${stack.adminToken}` },
        );
        const user = { authorization: `Bearer ${seeded.body.accounts[0].token}` };
        const before = stack.pids().api;
        await stack.restartApi('SIGKILL');
        expect(stack.pids().api).not.toBe(before);
        expect(alive(before)).toBe(false);
        const applicants = await api.get('/v1/applicants', user);
        if (database) {
          // The token outlives the process (the stack keeps TOKEN_SECRET), and so does the account.
          expect(applicants.status).toBe(200);
          expect(applicants.body).toHaveLength(1);
        } else {
          expect(await answers(stack.apiUrl)).toBe(true); // in-memory PGlite starts empty again
        }
        const reported = await Promise.race([
          stack.exited,
          new Promise((resolve) => setTimeout(resolve, 200, 'none')),
        ]);
        expect(reported).toBe('none');
      } finally {
        await stack.stop();
        await database?.drop();
      }
    },
    STACK_TEST_TIMEOUT_MS,
  );
});
