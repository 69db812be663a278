// The fault gauge Grafana annotates injected faults with: it follows the window on the simulator's clock.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildBillingSim } from '../app.ts';
import { simConfig } from '../config.ts';

const admin = { authorization: 'Bearer admin-secret' };
let now = Date.parse('2026-12-02T10:00:00Z');
let app: ReturnType<typeof buildBillingSim>;

beforeEach(async () => {
  now = Date.parse('2026-12-02T10:00:00Z');
  app = buildBillingSim(
    simConfig({
      apiUrl: 'http://127.0.0.1:9',
      noticeSecret: 's3cret',
      adminToken: 'admin-secret',
      now: () => now,
      logLevel: false,
    }),
  );
  await app.ready();
});
afterEach(() => app.close());

async function gauge(): Promise<string[]> {
  const body = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  return body.split('\n').filter((line) => line.startsWith('billing_sim_fault_active{'));
}

describe('billing_sim_fault_active', () => {
  it('is 1 for a group only while its window is open', async () => {
    expect(await gauge()).toEqual([
      'billing_sim_fault_active{group="billing"} 0',
      'billing_sim_fault_active{group="notices"} 0',
    ]);
    const put = await app.inject({
      method: 'PUT',
      url: '/admin/faults',
      headers: admin,
      payload: {
        billing: { outage: true },
        startAt: new Date(now + 5_000).toISOString(),
        endAt: new Date(now + 10_000).toISOString(),
      },
    });
    expect(put.statusCode).toBe(200);
    expect(await gauge()).toContain('billing_sim_fault_active{group="billing"} 0');
    now += 6_000;
    expect(await gauge()).toEqual([
      'billing_sim_fault_active{group="billing"} 1',
      'billing_sim_fault_active{group="notices"} 0',
    ]);
    now += 5_000;
    expect(await gauge()).toContain('billing_sim_fault_active{group="billing"} 0');
  });
});
