// PGlite's one-connection queue on a real in-process PGlite: the requests' units go before the
// background's, an overdue background unit still gets its turn, and the expected time of a unit follows
// slow statements. The database latency fault (the one slow-database injects) makes every unit slow.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, HoldTime, inBackground } from './database.ts';
import { openPglite } from './pglite.ts';

let db: Database;
let latencyMs = 0;

beforeAll(async () => {
  db = await openPglite(undefined, () => latencyMs);
}, 60_000);

afterAll(async () => {
  await db?.close();
});

describe('PGlite queue', () => {
  it("serves a request's unit before the background units queued ahead of it", async () => {
    latencyMs = 30;
    const order: string[] = [];
    const track = (name: string, work: Promise<unknown>) => work.then(() => order.push(name));
    const first = track(
      'background 1',
      inBackground(() => db.query('SELECT 1')),
    );
    // The first background unit has the connection (it sleeps its 30 ms on it) before the others queue.
    await new Promise((resolve) => setTimeout(resolve, 10));
    const background = [2, 3].map((n) =>
      track(
        `background ${n}`,
        inBackground(() => db.query('SELECT 1')),
      ),
    );
    const request = track('request', db.query('SELECT 1'));
    await Promise.all([first, ...background, request]);
    latencyMs = 0;
    expect(order).toEqual(['background 1', 'request', 'background 2', 'background 3']);
  });

  it('lets a background unit go first once it has waited a second behind requests', async () => {
    latencyMs = 150;
    const order: string[] = [];
    const requests: Promise<unknown>[] = [];
    // A steady stream of requests, each queued before the previous finishes: the connection is never
    // free of them for 2 s.
    const stream = (async () => {
      for (let i = 0; i < 14; i++) {
        requests.push(db.query('SELECT 1').then(() => order.push('request')));
        await new Promise((resolve) => setTimeout(resolve, 140));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const background = inBackground(() => db.query('SELECT 1')).then(() => order.push('background'));
    await stream;
    await Promise.all([...requests, background]);
    latencyMs = 0;
    const at = order.indexOf('background');
    expect(at).toBeGreaterThan(0);
    // Served after about a second of requests (each 150 ms), well before the stream ended.
    expect(at).toBeLessThan(order.length - 3);
  });

  it('expects a unit to take longer when statements slow down, and counts the requests queued', async () => {
    latencyMs = 0;
    for (let i = 0; i < 20; i++) await db.query('SELECT 1');
    const quick = db.expectedUnitMs();
    expect(quick).toBeLessThan(20);
    latencyMs = 40;
    for (let i = 0; i < 10; i++) await db.query('SELECT 1');
    const slow = db.expectedUnitMs();
    expect(slow).toBeGreaterThan(30);
    const queued = [1, 2, 3, 4].map(() => db.query('SELECT 1'));
    // Four queued and the next: about five holds of 40 ms.
    expect(db.expectedUnitMs()).toBeGreaterThan(4 * 30);
    await Promise.all(queued);
    latencyMs = 0;
  });
});

describe('HoldTime', () => {
  it('starts at the first hold and moves a fifth of the way towards each next one', () => {
    const hold = new HoldTime();
    expect(hold.meanMs()).toBe(0);
    hold.observe(10);
    expect(hold.meanMs()).toBe(10);
    hold.observe(60);
    expect(hold.meanMs()).toBe(20);
  });
});
