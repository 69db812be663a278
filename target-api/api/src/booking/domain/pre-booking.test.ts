import { describe, expect, it } from 'vitest';
import { checkBeforeBooking } from './pre-booking.ts';

const base = {
  today: '2026-03-02',
  date: '2026-03-10',
  ageYears: 30,
  married: false,
  validityYears: 10 as const,
  slot: { capacity: 20, taken: 3 },
};

describe('checks before a booking takes a seat', () => {
  it('passes an adult booking a released slot with a seat left, today or later', () => {
    expect(checkBeforeBooking(base)).toEqual({ ok: true });
    expect(checkBeforeBooking({ ...base, date: base.today })).toEqual({ ok: true });
  });

  it('refuses a date before the office-local today', () => {
    expect(checkBeforeBooking({ ...base, date: '2026-03-01' })).toEqual({
      ok: false,
      reason: 'date-in-past',
    });
  });

  it('refuses a ten-year passport to an unmarried child, but not to a married one or a five-year one', () => {
    expect(checkBeforeBooking({ ...base, ageYears: 16 })).toEqual({
      ok: false,
      reason: 'validity-not-allowed',
    });
    expect(checkBeforeBooking({ ...base, ageYears: 16, married: true })).toEqual({ ok: true });
    expect(checkBeforeBooking({ ...base, ageYears: 16, validityYears: 5 })).toEqual({ ok: true });
  });

  it('tells a slot never released from a full one', () => {
    expect(checkBeforeBooking({ ...base, slot: null })).toEqual({ ok: false, reason: 'slot-not-released' });
    expect(checkBeforeBooking({ ...base, slot: { capacity: 20, taken: 20 } })).toEqual({
      ok: false,
      reason: 'slot-full',
    });
    expect(checkBeforeBooking({ ...base, slot: { capacity: 20, taken: 19 } })).toEqual({ ok: true });
  });

  it('checks the date before the validity and the validity before the slot', () => {
    expect(checkBeforeBooking({ ...base, date: '2026-03-01', ageYears: 10, slot: null })).toEqual({
      ok: false,
      reason: 'date-in-past',
    });
    expect(checkBeforeBooking({ ...base, ageYears: 10, slot: null })).toEqual({
      ok: false,
      reason: 'validity-not-allowed',
    });
  });
});
