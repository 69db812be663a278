// POST /v1/payment-notices and /v1/refund-notices: the billing system's signed notices. The raw body is
// kept for the HMAC check.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyNotice } from '../../../shared/notice-signature.ts';
import { withSpan } from '../../../telemetry/index.ts';
import type { PluginOptions } from '../context.ts';
import { ProblemError, problems } from '../problem.ts';
import { acceptNotice } from './notices.ts';
import { acceptRefundNotice } from './refunds.ts';

const SignatureHeaders = Type.Object({
  'x-signature': Type.Optional(Type.String({ maxLength: 200 })),
  'x-signature-timestamp': Type.Optional(Type.String({ maxLength: 20 })),
});

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
  }
}

export const paymentsPlugin: FastifyPluginAsyncTypebox<PluginOptions> = async (app, { ctx }) => {
  const checkSignature = (request: FastifyRequest): void => {
    const signature = request.headers[SIGNATURE_HEADER];
    const timestamp = request.headers[TIMESTAMP_HEADER];
    // Signatures are fresh in real time: the billing simulator signs with the wall clock.
    const check = verifyNotice(
      ctx.config.noticeSecret,
      request.rawBody ?? '',
      typeof signature === 'string' ? signature : undefined,
      typeof timestamp === 'string' ? timestamp : undefined,
      Math.floor(Date.now() / 1000),
    );
    if (!check.ok) {
      throw new ProblemError(
        401,
        'notice-signature',
        'Notice refused',
        `the notice signature is ${check.reason}`,
      );
    }
  };

  // Scoped to this plugin: only the notice route parses JSON by hand to keep the exact bytes signed.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: 16_384 },
    (request, body, done) => {
      request.rawBody = body as string;
      try {
        done(null, JSON.parse(body as string));
      } catch {
        done(problems.validation('the body is not valid JSON'), undefined);
      }
    },
  );

  app.post(
    '/v1/payment-notices',
    {
      schema: {
        tags: ['payments'],
        summary: 'Signed payment notice from the billing system (HMAC-SHA256 over "<timestamp>.<body>")',
        headers: SignatureHeaders,
        body: Type.Object({
          noticeId: Type.String({ minLength: 1, maxLength: 100 }),
          billingCode: Type.String({ pattern: '^\\d{15}$' }),
          bookingId: Type.String({ minLength: 1, maxLength: 64 }),
          amount: Type.Integer({ minimum: 0, maximum: 1_000_000_000 }),
          paidAt: Type.String({ format: 'date-time' }),
          channel: Type.String({ minLength: 1, maxLength: 64 }),
        }),
        response: { 200: Type.Object({ outcome: Type.String() }) },
      },
    },
    async (request) => {
      checkSignature(request);
      const outcome = await withSpan('payment.apply_notice', { 'notice.channel': request.body.channel }, () =>
        acceptNotice(ctx, request.rawBody ?? '', request.body),
      );
      ctx.metrics.paymentNotice(outcome);
      return { outcome };
    },
  );

  app.post(
    '/v1/refund-notices',
    {
      schema: {
        tags: ['payments'],
        summary: 'Signed refund notice from the billing system: a PAID booking is cancelled, its seat freed',
        headers: SignatureHeaders,
        body: Type.Object({
          noticeId: Type.String({ minLength: 1, maxLength: 100 }),
          billingCode: Type.String({ pattern: '^\\d{15}$' }),
          bookingId: Type.String({ minLength: 1, maxLength: 64 }),
          amount: Type.Integer({ minimum: 0, maximum: 1_000_000_000 }),
          refundedAt: Type.String({ format: 'date-time' }),
        }),
        response: { 200: Type.Object({ outcome: Type.String() }) },
      },
    },
    async (request) => {
      checkSignature(request);
      const outcome = await withSpan('payment.apply_refund', {}, () => acceptRefundNotice(ctx, request.body));
      ctx.metrics.paymentNotice(outcome);
      return { outcome };
    },
  );
};
