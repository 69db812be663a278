// Query strings and coerced numbers: a date that is not a calendar date, or a number that is huge or not
// finite, is refused 400 problem+json naming the parameter, before any route code runs (they answered 500
// `RangeError: Invalid time value`, or passed `maximum` as Infinity).
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, createHarness, type Harness } from './helper.ts';

let harness: Harness;
let app: FastifyInstance;

beforeAll(async () => {
  harness = await createHarness();
  ({ app } = await harness.app({ profile: 'hardened' }));
});
afterAll(async () => {
  await harness?.close();
});

async function expectRefused(
  request: { method: 'GET' | 'POST' | 'PUT'; url: string; payload?: object },
  names: string,
) {
  const response = await app.inject({ ...request, headers: admin });
  const what = `${request.method} ${request.url} ${JSON.stringify(request.payload ?? '')}`;
  expect(response.statusCode, `${what} -> ${response.body.slice(0, 200)}`).toBe(400);
  expect(response.headers['content-type']).toContain('application/problem+json');
  const problem = response.json();
  expect(problem.type).toBe('https://paspor-lab.dev/problems/validation');
  expect(problem.detail, what).toContain(names);
}

const AVAILABILITY = '/v1/offices/kanim-batam/availability';

describe('query strings', () => {
  it.each([
    '2026-99-99',
    '2026-02-30',
    '2023-02-29',
    '2026-13-01',
    '2026-00-10',
    '2026-1-1',
    '20260101',
    'tomorrow',
  ])('refuses from=%s, which is not a calendar date', async (from) => {
    await expectRefused({ method: 'GET', url: `${AVAILABILITY}?from=${from}` }, 'querystring/from');
  });

  it.each(['1e400', 'Infinity', '-Infinity', 'NaN', '99999999999999999999', '1.5', '0', '63', '', '1e3'])(
    'refuses days=%s, which is not a whole number of days from 1 to 62',
    async (days) => {
      await expectRefused({ method: 'GET', url: `${AVAILABILITY}?days=${days}` }, 'querystring/days');
    },
  );

  it.each(['1e400', 'Infinity', '-1e309', '90.0001', 'NaN'])(
    'refuses lat=%s, which is not a finite latitude',
    async (lat) => {
      await expectRefused({ method: 'GET', url: `/v1/offices?lat=${lat}&lon=104` }, 'querystring/lat');
    },
  );

  it('still answers a real date, a leap day and bounded numbers', async () => {
    for (const url of [
      `${AVAILABILITY}?from=2028-02-29&days=62`,
      `${AVAILABILITY}?from=2026-03-01&days=1`,
      '/v1/offices?lat=1.13&lon=104.05',
      '/v1/offices?lat=-90&lon=180',
    ]) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, `${url} -> ${response.body.slice(0, 200)}`).toBe(200);
    }
  });

  it('publishes the query types in the OpenAPI document', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const parameters: { name: string; schema: Record<string, unknown> }[] =
      spec.paths['/v1/offices/{officeId}/availability'].get.parameters;
    const byName = Object.fromEntries(parameters.map((p) => [p.name, p.schema]));
    expect(byName.from).toMatchObject({ type: 'string', format: 'date' });
    expect(byName.days).toMatchObject({ type: 'integer', minimum: 1, maximum: 62 });
  });
});

describe('numbers coerced from text anywhere', () => {
  it('refuses a JSON string that coerces to Infinity where a bounded integer is due', async () => {
    await expectRefused(
      {
        method: 'POST',
        url: '/admin/releases',
        payload: { officeId: 'kanim-batam', from: '2026-03-01', days: '1e400' },
      },
      'body/days',
    );
    await expectRefused(
      {
        method: 'POST',
        url: '/admin/releases',
        payload: { officeId: 'kanim-batam', from: '2026-03-01', days: 2, capacity: 'Infinity' },
      },
      'body/capacity',
    );
    // Before the rule, this one seeded accounts without end.
    await expectRefused(
      { method: 'POST', url: '/admin/seed', payload: { accounts: ['1e400'] } },
      'body/accounts',
    );
    await expectRefused(
      { method: 'PUT', url: '/admin/faults', payload: { database: { latencyMs: 'Infinity' } } },
      'body/database/latencyMs',
    );
    const faults = (await app.inject({ method: 'GET', url: '/admin/faults', headers: admin })).json();
    expect(faults.database.latencyMs).toBe(0);
  });

  it('refuses a release that lists the same date twice (it answered 500)', async () => {
    await expectRefused(
      {
        method: 'POST',
        url: '/admin/releases',
        payload: { officeId: 'kanim-batam', dates: ['2026-03-11', '2026-03-11'] },
      },
      'body/dates',
    );
  });

  it('refuses a body date that is not a calendar date', async () => {
    await expectRefused(
      { method: 'POST', url: '/admin/releases', payload: { officeId: 'kanim-batam', dates: ['2026-02-30'] } },
      'body/dates/0',
    );
  });
});
