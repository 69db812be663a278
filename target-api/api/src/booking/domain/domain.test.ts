import { describe, expect, it } from 'vitest';
import { addDays, daysBetween } from '../../calendar/dates.ts';
import { isBillingCode } from './billing-code.ts';
import { allowedValidity, passportFee } from './fees.ts';
import { checkAttendance, checkReschedule, isPaymentWindowLapsed, paymentDeadline } from './rules.ts';
import {
  canTransition,
  IllegalTransitionError,
  returnsSeat,
  sourcesOf,
  targetOf,
  transition,
} from './states.ts';

describe('booking state machine', () => {
  it('follows the journey HELD -> WAITING_PAYMENT -> PAID -> ATTENDED', () => {
    expect(transition('HELD', 'code-issued')).toBe('WAITING_PAYMENT');
    expect(transition('WAITING_PAYMENT', 'paid')).toBe('PAID');
    expect(transition('PAID', 'reschedule')).toBe('PAID');
    expect(transition('PAID', 'attend')).toBe('ATTENDED');
  });

  it('expires unpaid, releases unissued and cancels only before payment', () => {
    expect(transition('WAITING_PAYMENT', 'payment-window-lapsed')).toBe('EXPIRED');
    expect(transition('HELD', 'issuance-failed')).toBe('RELEASED');
    expect(transition('HELD', 'cancel')).toBe('CANCELLED');
    expect(canTransition('PAID', 'cancel')).toBe(false);
    expect(() => transition('PAID', 'cancel')).toThrow(IllegalTransitionError);
  });

  it('names the sources and the single target of each event', () => {
    expect(sourcesOf('cancel')).toEqual(['HELD', 'WAITING_PAYMENT']);
    expect(targetOf('cancel')).toBe('CANCELLED');
    expect(sourcesOf('payment-window-lapsed')).toEqual(['WAITING_PAYMENT']);
    expect(targetOf('issuance-failed')).toBe('RELEASED');
  });

  it('gives the seat back only when a booking leaves the seat-holding states', () => {
    expect(returnsSeat('WAITING_PAYMENT', 'EXPIRED')).toBe(true);
    expect(returnsSeat('HELD', 'RELEASED')).toBe(true);
    expect(returnsSeat('PAID', 'NO_SHOW')).toBe(false);
    expect(returnsSeat('EXPIRED', 'PAID')).toBe(false);
  });
});

describe('fees (PP 45/2024)', () => {
  it('charges the table in integer rupiah, PERCEPATAN adding Rp 1.000.000', () => {
    expect(passportFee('E_PASPOR', 10, 'REGULER')).toBe(950_000);
    expect(passportFee('E_PASPOR', 5, 'PRIORITAS')).toBe(650_000);
    expect(passportFee('NON_ELEKTRONIK', 5, 'REGULER')).toBe(350_000);
    expect(passportFee('NON_ELEKTRONIK', 10, 'PERCEPATAN')).toBe(1_650_000);
    expect(Number.isInteger(passportFee('E_PASPOR', 10, 'PERCEPATAN'))).toBe(true);
  });

  it('gives children five years only, adults or married minors ten too', () => {
    expect(allowedValidity(12, false)).toEqual([5]);
    expect(allowedValidity(16, true)).toEqual([5, 10]);
    expect(allowedValidity(17, false)).toEqual([5, 10]);
  });
});

describe('billing code shape', () => {
  it('accepts 15 digits starting with 7, 8 or 9 only', () => {
    expect(isBillingCode('712345678901234')).toBe(true);
    expect(isBillingCode('912345678901234')).toBe(true);
    expect(isBillingCode('612345678901234')).toBe(false);
    expect(isBillingCode('71234567890123')).toBe(false);
  });
});

describe('time rules', () => {
  it('gives two hours from code issue to pay', () => {
    const issued = Date.parse('2025-03-03T02:00:00Z');
    const payBy = paymentDeadline(issued, 120);
    expect(new Date(payBy).toISOString()).toBe('2025-03-03T04:00:00.000Z');
    expect(isPaymentWindowLapsed(payBy, payBy)).toBe(false);
    expect(isPaymentWindowLapsed(payBy, payBy + 1)).toBe(true);
  });

  it('allows one reschedule until H-1 to a future date', () => {
    const base = { rescheduled: false, currentDate: '2025-03-10', newDate: '2025-03-12', sameSession: false };
    expect(checkReschedule({ ...base, today: '2025-03-09' })).toEqual({ ok: true });
    expect(checkReschedule({ ...base, today: '2025-03-10' })).toEqual({ ok: false, reason: 'too-late' });
    expect(checkReschedule({ ...base, rescheduled: true, today: '2025-03-01' })).toEqual({
      ok: false,
      reason: 'already-rescheduled',
    });
    expect(checkReschedule({ ...base, newDate: '2025-03-01', today: '2025-03-01' })).toEqual({
      ok: false,
      reason: 'date-in-past',
    });
  });

  it('records ATTENDED on the appointment day only, and NO_SHOW once that day is over', () => {
    const day = { appointmentDate: '2025-03-10' };
    expect(checkAttendance({ ...day, outcome: 'ATTENDED', today: '2025-03-10' })).toEqual({ ok: true });
    expect(checkAttendance({ ...day, outcome: 'ATTENDED', today: '2025-03-09' })).toEqual({
      ok: false,
      reason: 'not-today',
    });
    expect(checkAttendance({ ...day, outcome: 'ATTENDED', today: '2025-03-11' })).toEqual({
      ok: false,
      reason: 'not-today',
    });
    expect(checkAttendance({ ...day, outcome: 'NO_SHOW', today: '2025-03-10' })).toEqual({
      ok: false,
      reason: 'day-not-over',
    });
    expect(checkAttendance({ ...day, outcome: 'NO_SHOW', today: '2025-03-11' })).toEqual({ ok: true });
  });

  it('counts days between office-local dates', () => {
    expect(daysBetween('2025-02-27', '2025-03-01')).toBe(2);
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
  });
});
