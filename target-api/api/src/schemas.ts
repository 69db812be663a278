// TypeBox schemas shared by several routes (validation and the OpenAPI document from one source).
import { Type } from 'typebox';

export const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
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

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    traceId: Type.String(),
  },
  { description: 'application/problem+json (RFC 9457)' },
);

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
