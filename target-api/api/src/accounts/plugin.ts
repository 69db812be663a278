// Accounts: register (activation code into the simulated mailbox), activate, log in for a bearer token
// (the credentials checked by the identity store, accounts/identity.ts).
import { randomInt, randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyContextConfig } from 'fastify';
import { Type } from 'typebox';
import { isValidDate } from '../applicants/domain/nik.ts';
import type { PluginOptions } from '../context.ts';
import { problems } from '../problem.ts';
import { Gender, IsoDate } from '../schemas.ts';
import { isUniqueViolation } from '../storage/index.ts';
import { checkCredentials } from './identity.ts';
import { hashPassword } from './passwords.ts';

const Email = Type.String({ format: 'email', maxLength: 254 });

export const accountsPlugin: FastifyPluginAsyncTypebox<PluginOptions> = async (app, { ctx }) => {
  app.post(
    '/v1/accounts',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Register an account; the activation code goes to the (simulated) e-mail',
        body: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 120 }),
          dateOfBirth: IsoDate,
          gender: Gender,
          email: Email,
          phone: Type.String({ pattern: '^\\+?[0-9]{8,15}$' }),
          password: Type.String({ minLength: 8, maxLength: 128 }),
        }),
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (!isValidDate(body.dateOfBirth)) throw problems.validation('dateOfBirth is not a calendar date');
      const id = randomUUID();
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      try {
        await ctx.db.query(
          `INSERT INTO accounts (id, email, name, date_of_birth, gender, phone, password_hash, activation_code, created_at)
           VALUES ($1, lower($2), $3, $4, $5, $6, $7, $8, $9)`,
          [
            id,
            body.email,
            body.name,
            body.dateOfBirth,
            body.gender,
            body.phone,
            await hashPassword(body.password),
            code,
            new Date(ctx.clock.now()),
          ],
        );
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw problems.conflict(
            'email-taken',
            'E-mail taken',
            'an account with this e-mail already exists',
          );
        }
        throw error;
      }
      ctx.mailbox.send({
        to: body.email,
        subject: 'Kode aktivasi M-Paspor',
        body: `Your activation code is ${code}`,
        code,
        sentAt: ctx.clock.date().toISOString(),
      });
      return reply.code(201).send({ accountId: id });
    },
  );

  app.post(
    '/v1/accounts/activate',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Activate an account with the code from the e-mail',
        body: Type.Object({ email: Email, code: Type.String({ pattern: '^\\d{6}$' }) }),
      },
    },
    async (request) => {
      const result = await ctx.db.query(
        `UPDATE accounts SET activated = true, activation_code = NULL
         WHERE email = lower($1) AND activation_code = $2 AND NOT activated RETURNING id`,
        [request.body.email, request.body.code],
      );
      if (result.rows.length === 0) {
        throw problems.unprocessable(
          'activation-failed',
          'Activation failed',
          'the e-mail and code do not match an inactive account',
        );
      }
      return { activated: true };
    },
  );

  const loginLimit: FastifyContextConfig =
    ctx.config.profile === 'hardened'
      ? {
          rateLimit: {
            max: ctx.config.loginRateLimitPerMinute,
            timeWindow: 60_000,
            hook: 'preHandler' as const,
            keyGenerator: (request: { ip: string; body?: unknown }) =>
              `${request.ip}|${String((request.body as { email?: string } | undefined)?.email ?? '').toLowerCase()}`,
          },
        }
      : {};

  app.post(
    '/v1/auth/login',
    {
      config: loginLimit,
      schema: {
        tags: ['accounts'],
        summary: 'Log in; answers a bearer token',
        body: Type.Object({ email: Email, password: Type.String({ minLength: 1, maxLength: 128 }) }),
      },
    },
    async (request) => {
      const { email, password } = request.body;
      // How long login waits on the identity store, and what it answers when the store fails, is
      // identity-fragile's defect and fix.
      const account = await ctx.variants.identityFragile.call(ctx, () =>
        checkCredentials(ctx, email, password),
      );
      if (!account) throw problems.unauthorized('e-mail or password is wrong');
      if (!account.activated)
        throw problems.forbidden('the account is not activated yet; use the code from the e-mail');
      return ctx.tokens.issue(account.accountId, Date.now());
    },
  );
};
