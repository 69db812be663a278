// TypeBox schemas shared by several routes (validation and the OpenAPI document from one source), and the
// one place query-string parameters get their types: everything in a query string arrives as text, and
// these say what it must be before a route sees it.
import { Type } from 'typebox';

/**
 * A calendar date, 'YYYY-MM-DD'. `format: 'date'` (ajv-formats, full mode) also checks month and day,
 * leap years included: '2026-02-30' and '2026-99-99' are refused, where the pattern alone let them reach
 * `new Date()` (RangeError: Invalid time value, answered 500).
 */
const calendarDate = (description = 'a calendar date, YYYY-MM-DD') =>
  Type.String({ format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description });
export const IsoDate = calendarDate();
export const Uuid = Type.String({ format: 'uuid', maxLength: 36 });
export const Gender = Type.Union([Type.Literal('M'), Type.Literal('F')]);
export const Category = Type.Union([
  Type.Literal('REGULER'),
  Type.Literal('PERCEPATAN'),
  Type.Literal('PRIORITAS'),
]);
export const Session = Type.String({
  pattern: '^[A-Z]{2,12}$',
  description: 'PAGI (morning) or SIANG (afternoon)',
});
export const OfficeId = Type.String({ pattern: '^[a-z0-9-]{2,64}$' });

export const BookingView = Type.Object({
  id: Type.String(),
  status: Type.String(),
  applicantId: Type.String(),
  billingCode: Type.Union([Type.String(), Type.Null()]),
  fee: Type.Integer({ description: 'integer rupiah' }),
  slot: Type.Object({
    officeId: Type.String(),
    date: Type.String(),
    session: Type.String(),
    category: Type.String(),
  }),
  passportType: Type.String(),
  validityYears: Type.Integer(),
  applicationType: Type.String(),
  purpose: Type.String(),
  createdAt: Type.String(),
  codeIssuedAt: Type.Union([Type.String(), Type.Null()]),
  payBy: Type.Union([Type.String(), Type.Null()]),
  paidAt: Type.Union([Type.String(), Type.Null()]),
  rescheduled: Type.Boolean(),
  refundStatus: Type.Union([Type.String(), Type.Null()]),
});

export const Bearer = [{ bearer: [] }];

// Query-string parameters. A number in a query string is bounded on both sides by its type, so no route
// can take one without saying how large it may be; non-finite values ('1e400', 'Infinity') are refused
// for every number by the validator (target-api/shared/validator.ts).
type Bounds = { minimum: number; maximum: number; description?: string };
export const Query = {
  date: (description?: string) => calendarDate(description),
  integer: (bounds: Bounds & { default?: number }) => Type.Integer(bounds),
  number: (bounds: Bounds) => Type.Number(bounds),
  text: (bounds: { minLength: number; maxLength: number; description?: string }) => Type.String(bounds),
};
