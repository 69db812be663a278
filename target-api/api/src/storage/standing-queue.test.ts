// The standing-queue signal on a hand-driven clock: pure, no database.
import { describe, expect, it } from 'vitest';
import { StandingQueue } from './database.ts';

function onClock() {
  let now = 0;
  const queue = new StandingQueue(100, () => now);
  return {
    queue,
    at(ms: number) {
      now = ms;
    },
  };
}

describe('StandingQueue', () => {
  it('reads 0 before an interval has completed', () => {
    const { queue, at } = onClock();
    queue.observe(80);
    at(99);
    expect(queue.delayMs()).toBe(0);
  });

  it('reports the shortest wait of the last completed interval, not the longest', () => {
    const { queue, at } = onClock();
    at(10);
    queue.observe(120);
    at(50);
    queue.observe(70);
    at(90);
    queue.observe(200);
    at(100);
    expect(queue.delayMs()).toBe(70);
  });

  it('forgets a burst that drained: one prompt unit in the interval clears it', () => {
    const { queue, at } = onClock();
    at(10);
    queue.observe(300);
    at(60);
    queue.observe(0.2);
    at(150);
    expect(queue.delayMs()).toBeCloseTo(0.2);
  });

  it('keeps reporting a queue that stands interval after interval', () => {
    const { queue, at } = onClock();
    for (let interval = 0; interval < 5; interval++) {
      at(interval * 100 + 30);
      queue.observe(90 + interval);
      at(interval * 100 + 80);
      queue.observe(95 + interval);
    }
    at(500);
    expect(queue.delayMs()).toBe(94);
  });

  it('reads 0 after a gap in which nobody got a connection', () => {
    const { queue, at } = onClock();
    at(10);
    queue.observe(90);
    at(250);
    expect(queue.delayMs()).toBe(0);
    at(260);
    queue.observe(60);
    at(360);
    expect(queue.delayMs()).toBe(60);
  });
});

describe('StandingQueue, units waiting behind a slow one', () => {
  it('reads the age of the oldest unit still waiting when an interval saw no dequeue', () => {
    const { queue, at } = onClock();
    at(10);
    const first = queue.enter();
    queue.got(first);
    // The next unit waits behind one that holds the connection for 300 ms: no dequeue at all.
    at(20);
    const stuck = queue.enter();
    at(40);
    queue.enter();
    at(250);
    expect(queue.delayMs()).toBe(230);
    at(320);
    queue.got(stuck);
    expect(queue.delayMs()).toBe(230);
  });

  it('reads 0 once the queue is empty again, and forgets a unit that gave up', () => {
    const { queue, at } = onClock();
    at(10);
    const gone = queue.enter();
    at(50);
    queue.gaveUp(gone);
    at(250);
    expect(queue.delayMs()).toBe(0);
  });

  it('still reads the shortest dequeued wait while units are dequeued, not the oldest waiter', () => {
    const { queue, at } = onClock();
    const a = queue.enter();
    const b = queue.enter();
    at(5);
    queue.got(a);
    at(150);
    expect(queue.delayMs()).toBe(5);
    queue.got(b);
  });
});
