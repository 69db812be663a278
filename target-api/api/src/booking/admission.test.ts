// Admission control: the pure rule, the event-loop delay monitor on the real event loop, and the hook
// on a real Fastify instance (a small one: the point is the hook's order and its answer, not booking).
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { type Admission, createAdmission, EventLoopDelayMonitor, medianOf, shedReason } from './admission.ts';

const policy = {
  maxInFlight: 2,
  maxQueueDelayMs: 50,
  maxDatabaseTimeMs: 100,
  maxEventLoopDelayMs: 50,
  retryAfterSeconds: 1,
};
const calm = { inFlight: 0, queueDelayMs: 0, databaseTimeMs: 0, eventLoopDelayMs: 0 };

function blockFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // Busy-wait on purpose: this is the stall being measured.
  }
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('shedReason', () => {
  it('admits below the in-flight cap while the database queue and the loop are prompt', () => {
    expect(
      shedReason({ inFlight: 1, queueDelayMs: 50, databaseTimeMs: 100, eventLoopDelayMs: 50 }, policy),
    ).toBeUndefined();
  });
  it('sheds on the in-flight cap first, then on a standing queue, on database time, on event-loop delay', () => {
    expect(shedReason({ ...calm, inFlight: 2 }, policy)).toBe('in-flight');
    expect(
      shedReason({ inFlight: 2, queueDelayMs: 500, databaseTimeMs: 500, eventLoopDelayMs: 500 }, policy),
    ).toBe('in-flight');
    expect(
      shedReason({ ...calm, queueDelayMs: 51, databaseTimeMs: 500, eventLoopDelayMs: 500 }, policy),
    ).toBe('queue-delay');
    expect(shedReason({ ...calm, databaseTimeMs: 101, eventLoopDelayMs: 500 }, policy)).toBe('database-time');
    expect(shedReason({ ...calm, eventLoopDelayMs: 51 }, policy)).toBe('event-loop-delay');
  });
});

describe('medianOf', () => {
  it('takes the middle of odd and the mean of the two middles of even windows', () => {
    expect(medianOf([300, 1, 2, 3, 4])).toBe(3);
    expect(medianOf([4, 1, 3, 2])).toBe(2.5);
    expect(medianOf([])).toBe(0);
  });
});

describe('EventLoopDelayMonitor', () => {
  let monitor: EventLoopDelayMonitor | undefined;
  afterEach(() => monitor?.stop());

  it('ignores a lone stall but reports sustained lateness', async () => {
    monitor = new EventLoopDelayMonitor(20, 5);
    await sleep(150);
    blockFor(300);
    await sleep(30);
    expect(monitor.delayMs()).toBeLessThan(100);
    // Every tick late by ~80 ms: the whole window is late, so the median is too.
    for (let i = 0; i < 6; i++) {
      await sleep(1);
      blockFor(100);
    }
    expect(monitor.delayMs()).toBeGreaterThan(50);
  });
});

describe('admission hook', () => {
  let app: FastifyInstance | undefined;
  let admission: Admission | undefined;
  let release: () => void = () => {};
  let queueDelayMs = 0;
  let databaseTimeMs = 0;
  let shedSeen: string[] = [];
  afterEach(async () => {
    queueDelayMs = 0;
    databaseTimeMs = 0;
    shedSeen = [];
    // A failed assertion must not leave the guarded handler waiting, or close() would wait for it.
    release();
    admission?.stop();
    await app?.close();
  });

  async function start() {
    admission = createAdmission(
      {
        maxInFlight: 1,
        maxQueueDelayMs: 1_000,
        maxDatabaseTimeMs: 1_000,
        maxEventLoopDelayMs: 1_000,
        retryAfterSeconds: 3,
      },
      { queueDelayMs: () => queueDelayMs, expectedUnitMs: () => databaseTimeMs },
      undefined,
      (reason) => shedSeen.push(reason),
    );
    const instance = Fastify();
    app = instance;
    instance.addHook('onRequest', admission.guard);
    // Stands in for authentication: it must never see a shed request.
    instance.addHook('onRequest', async (request, reply) => {
      if (request.headers.authorization !== 'Bearer ok') return reply.code(401).send({ status: 401 });
    });
    instance.post('/guarded', { config: { admission: true } }, async () => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return { booked: true };
    });
    instance.get('/open', async () => ({ ok: true }));
    await instance.listen({ port: 0, host: '127.0.0.1' });
    const address = instance.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    return { base, release: () => release(), admission };
  }

  it('sheds past the cap with 503, Retry-After and a problem body, before authentication runs', async () => {
    const { base, release, admission: control } = await start();
    const auth = { authorization: 'Bearer ok' };
    const first = fetch(`${base}/guarded`, { method: 'POST', headers: auth });
    while (control.inFlight() === 0) await sleep(5);

    const shed = await fetch(`${base}/guarded`, { method: 'POST' });
    expect(shed.status).toBe(503);
    expect(shed.headers.get('retry-after')).toBe('3');
    expect(shed.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = (await shed.json()) as { type: string; status: number; traceId: string };
    expect(body.type).toBe('https://paspor-lab.dev/problems/overloaded');
    expect(body.status).toBe(503);
    expect(body.traceId.length).toBeGreaterThan(0);
    expect(control.shed()['in-flight']).toBe(1);

    // Routes without the flag are never counted nor shed.
    expect((await fetch(`${base}/open`, { headers: auth })).status).toBe(200);

    release();
    expect((await first).status).toBe(200);
    while (control.inFlight() > 0) await sleep(5);
    // The slot is back: the next request is admitted and reaches authentication.
    expect((await fetch(`${base}/guarded`, { method: 'POST' })).status).toBe(401);
  });

  it('sheds every booking write while the database has a standing queue, and admits again once it drains', async () => {
    const { base, admission: control } = await start();
    queueDelayMs = 1_001;
    const shed = await fetch(`${base}/guarded`, { method: 'POST' });
    expect(shed.status).toBe(503);
    expect(control.shed()['queue-delay']).toBe(1);
    // Each refusal is reported with its reason (mpaspor_admission_shed_total{reason}).
    expect(shedSeen).toEqual(['queue-delay']);
    expect(control.inFlight()).toBe(0);
    queueDelayMs = 1_000;
    // Admitted: it reaches authentication.
    expect((await fetch(`${base}/guarded`, { method: 'POST' })).status).toBe(401);
  });

  it('sheds while a unit of database work would take too long, and admits again once it is quick', async () => {
    const { base, admission: control } = await start();
    databaseTimeMs = 1_001;
    expect((await fetch(`${base}/guarded`, { method: 'POST' })).status).toBe(503);
    expect(control.shed()['database-time']).toBe(1);
    expect(shedSeen).toEqual(['database-time']);
    databaseTimeMs = 40;
    expect((await fetch(`${base}/guarded`, { method: 'POST' })).status).toBe(401);
  });

  it('gives the slot back when the client hangs up before the answer', async () => {
    const { base, release, admission: control } = await start();
    const abort = new AbortController();
    const first = fetch(`${base}/guarded`, {
      method: 'POST',
      headers: { authorization: 'Bearer ok' },
      signal: abort.signal,
    }).catch(() => undefined);
    while (control.inFlight() === 0) await sleep(5);
    abort.abort();
    await first;
    while (control.inFlight() > 0) await sleep(5);
    expect(control.inFlight()).toBe(0);
    release();
  });
});
