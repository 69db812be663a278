// Applicants under an account (family members), each with a validated NIK; the count is limited.
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { accountOf, requireAccount } from '../auth.ts';
import type { PluginOptions } from '../context.ts';
import { problems } from '../problem.ts';
import { Bearer, Gender, IsoDate } from '../schemas.ts';
import { isUniqueViolation } from '../storage/index.ts';
import { checkNikMatches, isValidDate } from './domain/nik.ts';

export const applicantsPlugin: FastifyPluginAsyncTypebox<PluginOptions> = async (app, { ctx }) => {
  app.addHook('onRequest', requireAccount(ctx));

  app.get(
    '/v1/applicants',
    { schema: { tags: ['applicants'], security: Bearer, summary: 'List my applicants' } },
    async (request) => {
      const rows = await ctx.db.query<{
        id: string;
        nik: string;
        name: string;
        date_of_birth: string;
        gender: string;
        married: boolean;
      }>(
        'SELECT id, nik, name, date_of_birth, gender, married FROM applicants WHERE account_id = $1 ORDER BY created_at',
        [accountOf(request)],
      );
      return rows.rows.map((row) => ({
        applicantId: row.id,
        nik: row.nik,
        name: row.name,
        dateOfBirth: row.date_of_birth,
        gender: row.gender,
        married: row.married,
      }));
    },
  );

  app.post(
    '/v1/applicants',
    {
      schema: {
        tags: ['applicants'],
        security: Bearer,
        summary: 'Add an applicant (NIK validated; limited per account)',
        body: Type.Object({
          nik: Type.String({ pattern: '^\\d{16}$' }),
          name: Type.String({ minLength: 1, maxLength: 120 }),
          dateOfBirth: IsoDate,
          gender: Gender,
          married: Type.Optional(Type.Boolean()),
        }),
      },
    },
    async (request, reply) => {
      const accountId = accountOf(request);
      const body = request.body;
      if (!isValidDate(body.dateOfBirth)) throw problems.validation('dateOfBirth is not a calendar date');
      const check = checkNikMatches(body.nik, body.dateOfBirth, body.gender);
      if (!check.ok) throw problems.unprocessable('invalid-nik', 'Invalid NIK', check.reason);
      // quota-hoarding: legacy lets an account add any number of "applicants" (the touts' trick).
      await ctx.variants.quotaHoarding.checkApplicantLimit(ctx, accountId);
      const id = randomUUID();
      try {
        await ctx.db.query(
          `INSERT INTO applicants (id, account_id, nik, name, date_of_birth, gender, married, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [
            id,
            accountId,
            body.nik,
            body.name,
            body.dateOfBirth,
            body.gender,
            body.married ?? false,
            new Date(ctx.clock.now()),
          ],
        );
      } catch (error) {
        if (isUniqueViolation(error))
          throw problems.conflict(
            'applicant-exists',
            'Applicant exists',
            'this NIK is already an applicant of this account',
          );
        throw error;
      }
      return reply.code(201).send({ applicantId: id });
    },
  );
};
