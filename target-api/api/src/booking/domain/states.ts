// The booking state machine of docs/DOMAIN.md, pure: which event moves a booking from which state to which.

export const BOOKING_STATUSES = [
  'HELD',
  'WAITING_PAYMENT',
  'PAID',
  'ATTENDED',
  'NO_SHOW',
  'EXPIRED',
  'RELEASED',
  'CANCELLED',
] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

/** States that occupy a seat of the slot (quota conservation counts these). */
export const SEAT_HOLDING: readonly BookingStatus[] = [
  'HELD',
  'WAITING_PAYMENT',
  'PAID',
  'ATTENDED',
  'NO_SHOW',
];
/** States that count as "an active booking" for the one-per-NIK rule. */
export const ACTIVE: readonly BookingStatus[] = ['HELD', 'WAITING_PAYMENT', 'PAID'];

export type BookingEvent =
  | 'code-issued'
  | 'issuance-failed'
  | 'paid'
  | 'payment-window-lapsed'
  | 'cancel'
  | 'reschedule'
  | 'attend'
  | 'no-show'
  | 'late-payment-honoured'
  | 'refunded';

const TRANSITIONS: Record<BookingEvent, Partial<Record<BookingStatus, BookingStatus>>> = {
  'code-issued': { HELD: 'WAITING_PAYMENT' },
  'issuance-failed': { HELD: 'RELEASED' },
  paid: { WAITING_PAYMENT: 'PAID' },
  'payment-window-lapsed': { WAITING_PAYMENT: 'EXPIRED' }, // "kadaluarsa": expired unpaid
  cancel: { HELD: 'CANCELLED', WAITING_PAYMENT: 'CANCELLED' },
  reschedule: { PAID: 'PAID' },
  attend: { PAID: 'ATTENDED' },
  'no-show': { PAID: 'NO_SHOW' },
  // A payment made in time whose notice arrived after expiry: honoured when the seat can be retaken.
  'late-payment-honoured': { EXPIRED: 'PAID' },
  // Billing gave the money of a PAID booking back (an operator's refund): no payment, no appointment;
  // the seat goes back to the pool. Attended or no-show bookings keep their state (the record says so).
  refunded: { PAID: 'CANCELLED' },
};

export class IllegalTransitionError extends Error {
  readonly code = 'ERR_ILLEGAL_TRANSITION';
  readonly from: BookingStatus;
  readonly event: BookingEvent;
  constructor(from: BookingStatus, event: BookingEvent) {
    super(`a ${from} booking cannot take the event ${event}`);
    this.name = 'IllegalTransitionError';
    this.from = from;
    this.event = event;
  }
}

export function canTransition(from: BookingStatus, event: BookingEvent): boolean {
  return TRANSITIONS[event][from] !== undefined;
}

export function transition(from: BookingStatus, event: BookingEvent): BookingStatus {
  const to = TRANSITIONS[event][from];
  if (to === undefined) throw new IllegalTransitionError(from, event);
  return to;
}

/** The states an event applies to. */
export function sourcesOf(event: BookingEvent): BookingStatus[] {
  return Object.keys(TRANSITIONS[event]) as BookingStatus[];
}

/** Where an event leads; every event of this machine has one target whatever its source. */
export function targetOf(event: BookingEvent): BookingStatus {
  const [to] = Object.values(TRANSITIONS[event]);
  if (to === undefined) throw new Error(`event ${event} has no transition`);
  return to;
}

/** True when leaving `from` for `to` gives the seat back to the pool. */
export function returnsSeat(from: BookingStatus, to: BookingStatus): boolean {
  return SEAT_HOLDING.includes(from) && !SEAT_HOLDING.includes(to);
}
