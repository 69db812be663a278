import { describe, expect, it } from 'vitest';
import { findOffice as find, OFFICES, type Office } from './catalogue.ts';

function findOffice(id: string): Office {
  const office = find(id);
  if (!office) throw new Error(`no office ${id}`);
  return office;
}

import { distanceKm, releasesBetween, slotCapacities, workingDates } from './quota.ts';
import { instantOf, localDate } from './time-zones.ts';

describe('office catalogue', () => {
  it('holds at least 12 units including Tanjung Uban and Batam, in all three time zones', () => {
    expect(OFFICES.length).toBeGreaterThanOrEqual(12);
    expect(findOffice('kanim-tanjung-uban').name).toContain('Tanjung Uban');
    expect(new Set(OFFICES.map((o) => o.timeZone))).toEqual(new Set(['WIB', 'WITA', 'WIT']));
  });

  it('splits every office quota into slots that add up to its daily quota', () => {
    for (const office of OFFICES) {
      const total = slotCapacities(office).reduce((sum, slot) => sum + slot.capacity, 0);
      expect(total, office.id).toBe(office.dailyQuota);
    }
  });

  it('keeps Batam at 200 REGULER + 35 PERCEPATAN + 50 PRIORITAS', () => {
    const batam = slotCapacities(findOffice('kanim-batam'));
    const of = (category: string) =>
      batam.filter((slot) => slot.category === category).reduce((sum, slot) => sum + slot.capacity, 0);
    expect([of('REGULER'), of('PERCEPATAN'), of('PRIORITAS')]).toEqual([200, 35, 50]);
  });
});

describe('release events', () => {
  it('releases Mataram on Friday 16:00 WITA for the next working week', () => {
    const mataram = findOffice('kanim-mataram');
    const friday = instantOf('2025-03-07', '16:00', 'WITA');
    expect(releasesBetween(mataram, friday - 1000, friday - 1)).toEqual([]);
    expect(releasesBetween(mataram, friday - 1000, friday)).toEqual([
      { at: friday, dates: ['2025-03-10', '2025-03-11', '2025-03-12', '2025-03-13', '2025-03-14'] },
    ]);
  });

  it('releases Batam twice a month', () => {
    const batam = findOffice('kanim-batam');
    const from = instantOf('2025-03-01', '00:00', 'WIB');
    const moments = releasesBetween(batam, from, from + 32 * 86_400_000);
    expect(moments.map((m) => localDate(m.at, 'WIB'))).toEqual(['2025-03-01', '2025-03-16', '2025-04-01']);
  });

  it('skips weekends and orders offices by distance', () => {
    expect(workingDates('2025-03-08', 3)).toEqual(['2025-03-10']);
    expect(Math.round(distanceKm(1.1301, 104.0529, 1.0655, 104.2186))).toBeLessThan(25);
  });
});
