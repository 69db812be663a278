// The bill routes: issue (the API), check ("Cek Tagihan", the API's re-sync), pay (the bank, that is
// the test client) and refund (the API, signed, for a payment it cannot honour; or an operator with the
// admin token, and then the API is sent a refund notice so the booking follows). Every call here is
// subject to the scheduled billing faults.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { refundSigningText } from '../../../shared/notice-signature.ts';
import { callerOf } from '../auth.ts';
import { activeBillingFaults, decideBillingFault } from '../faults/schedule.ts';
import { ProblemError, validTraceparent } from '../problem.ts';
import type { SimState } from '../state.ts';
import { isBillingCode } from './billing-code.ts';
import { type Bill, BillConflictError, BillNotFoundError, BillStateError } from './store.ts';

const CodeParams = Type.Object({ billingCode: Type.String({ pattern: '^[789][0-9]{14}$' }) });

const IssueBody = Type.Object(
  {
    bookingId: Type.String({ minLength: 1, maxLength: 100 }),
    amount: Type.Integer({ minimum: 1, maximum: 100_000_000 }),
    payBy: Type.String({ format: 'date-time', maxLength: 40 }),
  },
  { additionalProperties: false },
);

const IssuedBill = Type.Object({ billingCode: Type.String(), amount: Type.Integer(), payBy: Type.String() });

const BillView = Type.Object({
  billingCode: Type.String(),
  bookingId: Type.String(),
  amount: Type.Integer(),
  status: Type.Union([Type.Literal('UNPAID'), Type.Literal('PAID'), Type.Literal('REFUNDED')]),
  paidAt: Type.Union([Type.String(), Type.Null()]),
});

const PayBody = Type.Object(
  {
    // Free-form so scenarios can name any channel: TELLER, ATM, MOBILE_BANKING, KANTOR_POS, MINIMARKET...
    channel: Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$' }),
  },
  { additionalProperties: false },
);

const Problem = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  traceId: Type.String(),
});

function viewOf(bill: Bill) {
  return {
    billingCode: bill.billingCode,
    bookingId: bill.bookingId,
    amount: bill.amount,
    status: bill.status,
    paidAt: bill.paidAt,
  };
}

function toProblem(error: unknown): unknown {
  if (error instanceof BillNotFoundError) {
    return new ProblemError(404, 'bill-not-found', 'Bill not found', error.message);
  }
  if (error instanceof BillConflictError) {
    return new ProblemError(409, 'bill-conflict', 'Bill conflict', error.message);
  }
  if (error instanceof BillStateError) {
    const slug = error.status === 'PAID' ? 'bill-already-paid' : `bill-${error.status.toLowerCase()}`;
    return new ProblemError(409, slug, 'Bill not in a state for this', error.message);
  }
  return error;
}

export interface BillRoutesOptions {
  state: SimState;
}

export const billRoutes: FastifyPluginAsync<BillRoutesOptions> = async (fastify, { state }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const hanging = new Set<() => void>();
  let closing = false;

  // Release hung calls before the server waits for in-flight requests, or close would wait for them.
  app.addHook('preClose', async () => {
    closing = true;
    for (const release of hanging) release();
  });

  const hang = (reply: FastifyReply): Promise<void> =>
    new Promise((resolve) => {
      const release = () => {
        clearTimeout(timer);
        hanging.delete(release);
        reply.raw.off('close', release);
        resolve();
      };
      const timer = setTimeout(release, state.config.maxHangMs);
      hanging.add(release);
      reply.raw.once('close', release);
    });

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const faults = activeBillingFaults(state.faults, state.config.now());
    if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
    const fault = decideBillingFault(faults, state.config.random);
    if (fault === 'outage') {
      throw new ProblemError(
        503,
        'billing-outage',
        'Billing system unavailable',
        'the billing system is down',
        {
          'retry-after': '5',
        },
      );
    }
    if (fault === 'error') {
      throw new ProblemError(
        500,
        'billing-error',
        'Billing system error',
        'the billing system failed (injected)',
      );
    }
    if (fault === 'timeout') {
      await hang(reply);
      if (reply.raw.destroyed || request.raw.socket?.destroyed) {
        // The client gave up; there is nobody left to answer.
        reply.hijack();
        return;
      }
      const detail = closing ? 'the simulator is shutting down' : 'the billing system did not answer in time';
      throw new ProblemError(504, 'billing-timeout', 'Billing system timeout', detail);
    }
  });

  app.post(
    '/v1/bills',
    {
      schema: {
        body: IssueBody,
        response: { 201: IssuedBill, '4xx': Problem },
      },
    },
    async (request, reply) => {
      try {
        const { bill, created } = state.store.issue(
          { ...request.body, traceparent: validTraceparent(request.headers.traceparent) },
          state.config.clock.date(),
        );
        // The same answer for a repeated bookingId: a client retrying after a timeout gets its code.
        if (!created) reply.header('idempotent-replayed', 'true');
        return reply
          .code(201)
          .send({ billingCode: bill.billingCode, amount: bill.amount, payBy: bill.payBy });
      } catch (error) {
        throw toProblem(error);
      }
    },
  );

  app.get(
    '/v1/bills/:billingCode',
    { schema: { params: CodeParams, response: { 200: BillView, '4xx': Problem } } },
    async (request) => {
      const { billingCode } = request.params;
      if (!isBillingCode(billingCode)) {
        throw new ProblemError(
          404,
          'bill-not-found',
          'Bill not found',
          `${billingCode} fails its check digit`,
        );
      }
      try {
        return viewOf(state.store.get(billingCode));
      } catch (error) {
        throw toProblem(error);
      }
    },
  );

  app.post(
    '/v1/bills/:billingCode/pay',
    {
      schema: {
        params: CodeParams,
        body: PayBody,
        response: {
          200: Type.Object({ status: Type.Literal('PAID'), paidAt: Type.String() }),
          '4xx': Problem,
        },
      },
    },
    async (request) => {
      try {
        const bill = state.store.pay(
          request.params.billingCode,
          request.body.channel,
          state.config.clock.date(),
        );
        const paidAt = bill.paidAt ?? state.config.clock.date().toISOString();
        state.sender.send(
          {
            billingCode: bill.billingCode,
            bookingId: bill.bookingId,
            amount: bill.amount,
            paidAt,
            channel: request.body.channel,
          },
          bill.traceparent,
        );
        return { status: 'PAID' as const, paidAt };
      } catch (error) {
        throw toProblem(error);
      }
    },
  );

  app.post(
    '/v1/bills/:billingCode/refund',
    {
      schema: {
        params: CodeParams,
        response: { 200: Type.Object({ status: Type.Literal('REFUNDED') }), '4xx': Problem },
      },
    },
    async (request) => {
      const { billingCode } = request.params;
      const caller = callerOf(request, state.config, refundSigningText(billingCode));
      if (!caller) {
        throw new ProblemError(
          401,
          'unauthorized',
          'Not authenticated',
          "a refund needs the admin bearer token, or the API's signature over the request line",
          { 'www-authenticate': 'Bearer' },
        );
      }
      let bill: Bill;
      try {
        bill = state.store.refund(billingCode);
      } catch (error) {
        throw toProblem(error);
      }
      // The API refunds what it decided to refund and records it itself; anyone else's refund it must
      // be told about, or it goes on showing the booking PAID.
      if (caller === 'operator') {
        state.sender.sendRefund(
          {
            billingCode: bill.billingCode,
            bookingId: bill.bookingId,
            amount: bill.amount,
            refundedAt: state.config.clock.date().toISOString(),
          },
          bill.traceparent,
        );
      }
      request.log.info({ billingCode, caller }, 'bill refunded');
      return { status: 'REFUNDED' as const };
    },
  );
};
