// The calendar cache without a server: looks that miss at the same moment share one read, a slot
// learned full forgets the office's calendars once per lifetime, and a read begun before a forget is
// not kept.
import { describe, expect, it } from 'vitest';
import { AvailabilityCache } from './availability-cache.ts';

/** A read that resolves when told to, counting how often it was started. */
function gatedRead() {
  let started = 0;
  let open: (rows: string) => void = () => {};
  const read = () => {
    started++;
    return new Promise<string>((resolve) => {
      open = resolve;
    });
  };
  return { read, started: () => started, open: (rows: string) => open(rows) };
}

describe('AvailabilityCache', () => {
  it('gives the looks that miss at the same moment one shared read', async () => {
    const cache = new AvailabilityCache(1000);
    const gate = gatedRead();
    const looks = [1, 2, 3].map(() => cache.through('office-a|2027-01-01|7', gate.read));
    gate.open('rows 1');
    expect(await Promise.all(looks)).toEqual(['rows 1', 'rows 1', 'rows 1']);
    expect(gate.started()).toBe(1);
    expect(await cache.through('office-a|2027-01-01|7', gate.read)).toBe('rows 1');
    expect(gate.started()).toBe(1);
  });

  it('forgets the office at the first refusal of a full slot, not at every one after it', async () => {
    const cache = new AvailabilityCache(1000);
    let reads = 0;
    const read = async () => `rows ${++reads}`;
    await cache.through('office-a|2027-01-01|7', read);
    cache.slotFull('office-a|2027-01-01|PAGI|REGULER');
    expect(await cache.through('office-a|2027-01-01|7', read)).toBe('rows 2');
    cache.slotFull('office-a|2027-01-01|PAGI|REGULER');
    cache.slotFull('office-a|2027-01-01|PAGI|REGULER');
    expect(await cache.through('office-a|2027-01-01|7', read)).toBe('rows 2');
    // Another slot of the office is news: forgotten again. Another office is untouched.
    await cache.through('office-b|2027-01-01|7', read);
    cache.slotFull('office-a|2027-01-01|SIANG|REGULER');
    expect(await cache.through('office-a|2027-01-01|7', read)).toBe('rows 4');
    expect(await cache.through('office-b|2027-01-01|7', read)).toBe('rows 3');
  });

  it('does not keep a read begun before the office was forgotten', async () => {
    const cache = new AvailabilityCache(1000);
    const gate = gatedRead();
    const before = cache.through('office-a|2027-01-01|7', gate.read);
    cache.slotFull('office-a|2027-01-01|PAGI|REGULER');
    // A look after the forget does not join the stale read: it starts its own.
    const after = cache.through('office-a|2027-01-01|7', gate.read);
    expect(gate.started()).toBe(2);
    gate.open('fresh');
    expect(await after).toBe('fresh');
    await expect(Promise.race([before, Promise.resolve('still waiting')])).resolves.toBe('still waiting');
  });

  it('forgets the full slots of an office when its quota changes', async () => {
    const cache = new AvailabilityCache(1000);
    let reads = 0;
    const read = async () => `rows ${++reads}`;
    cache.slotFull('office-a|2027-01-01|PAGI|REGULER');
    await cache.through('office-a|2027-01-01|7', read);
    cache.quotaChanged('office-a');
    expect(await cache.through('office-a|2027-01-01|7', read)).toBe('rows 2');
    // The slot is no longer remembered full: learning it full again forgets the calendar again.
    cache.slotFull('office-a|2027-01-01|PAGI|REGULER');
    expect(await cache.through('office-a|2027-01-01|7', read)).toBe('rows 3');
  });

  it('reads every look from the database when turned off', async () => {
    const cache = new AvailabilityCache(0);
    let reads = 0;
    const read = async () => ++reads;
    await cache.through('office-a|x', read);
    await cache.through('office-a|x', read);
    expect(reads).toBe(2);
  });
});
