// Accounts: register (activation code into the simulated mailbox), activate, log in for a bearer token,
// reset a forgotten password with a code sent to the e-mail (the credentials and the reset code kept by
// the identity store, accounts/identity.ts).
import { randomInt, randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyContextConfig } from 'fastify';
import { Type } from 'typebox';
import { isValidDate } from '../applicants/domain/nik.ts';
import type { PluginOptions } from '../context.ts';
import { problems } from '../problem.ts';
import { Gender, IsoDate } from '../schemas.ts';
import { isUniqueViolation } from '../storage/index.ts';
import { checkCredentials, issueResetCode, RESET_CODE_MINUTES, resetPassword } from './identity.ts';
import { hashPassword } from './passwords.ts';

const Email = Type.String({ format: 'email', maxLength: 254 });
const Password = Type.String({ minLength: 8, maxLength: 128 });
const Code = Type.String({ pattern: '^\\d{6}$' });

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
          password: Password,
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
        body: Type.Object({ email: Email, code: Code }),
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

  // hardened: attempts per e-mail and address per minute, for login and for each step of a reset (a
  // reset request sends an e-mail, a confirmation guesses a code).
  const perEmailLimit: FastifyContextConfig =
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
      config: perEmailLimit,
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

  app.post(
    '/v1/auth/password-reset',
    {
      config: perEmailLimit,
      schema: {
        tags: ['accounts'],
        summary: `Forgot the password: a reset code goes to the e-mail, valid ${RESET_CODE_MINUTES} minutes`,
        body: Type.Object({ email: Email }),
      },
    },
    async (request, reply) => {
      const { email } = request.body;
      const code = await ctx.variants.identityFragile.call(ctx, () => issueResetCode(ctx, email));
      if (code !== null) {
        ctx.mailbox.send({
          to: email,
          subject: 'Reset kata sandi M-Paspor',
          body: `Your password reset code is ${code}; it works for ${RESET_CODE_MINUTES} minutes`,
          code,
          sentAt: ctx.clock.date().toISOString(),
        });
      }
      // The same answer whether or not the e-mail has an account: it does not tell who is registered.
      return reply.code(202).send({ sent: 'if the e-mail has an account, a reset code is on its way' });
    },
  );

  app.post(
    '/v1/auth/password-reset/confirm',
    {
      config: perEmailLimit,
      schema: {
        tags: ['accounts'],
        summary: 'Set a new password with the reset code from the e-mail',
        body: Type.Object({ email: Email, code: Code, newPassword: Password }),
      },
    },
    async (request) => {
      const { email, code, newPassword } = request.body;
      const refusal = await ctx.variants.identityFragile.call(ctx, () =>
        resetPassword(ctx, email, code, newPassword),
      );
      if (refusal) {
        throw problems.unprocessable(
          'reset-failed',
          'Password reset failed',
          refusal === 'expired'
            ? 'the reset code has expired; ask for a new one'
            : 'the e-mail and code do not match a live reset code; ask for a new one if it was used, expired or mistyped too often',
        );
      }
      return { reset: true };
    },
  );
};
