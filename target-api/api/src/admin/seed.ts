// POST /admin/seed: activated accounts with applicants and tokens for load tests, in a few bulk
// statements. Every seeded account shares one precomputed password hash (scrypt per account would cost
// tens of milliseconds each); their password is SEED_PASSWORD.
import { randomUUID } from 'node:crypto';
import { makeNik } from '../applicants/domain/nik.ts';
import { addDays } from '../calendar/dates.ts';
import type { AppContext } from '../context.ts';

export const SEED_PASSWORD = 'paspor-lab-seed';

export interface SeededAccount {
  accountId: string;
  email: string;
  token: string;
  applicants: { applicantId: string; nik: string }[];
}

export async function seedAccounts(
  ctx: AppContext,
  accounts: number,
  applicantsPerAccount: number,
): Promise<SeededAccount[]> {
  const passwordHash = await ctx.seedPasswordHash();
  const createdAt = new Date(ctx.clock.now());
  const people = accounts * applicantsPerAccount;
  const serials = (
    await ctx.db.query<{ n: number }>("SELECT nextval('seed_serial')::int AS n FROM generate_series(1, $1)", [
      people + accounts,
    ])
  ).rows.map((row) => row.n);
  const batch = randomUUID().slice(0, 8);
  const seeded: SeededAccount[] = [];
  const applicantRows: { id: string; accountId: string; nik: string; dob: string }[] = [];
  for (let i = 0; i < accounts; i++) {
    const accountId = randomUUID();
    const email = `seed-${batch}-${i}@paspor-lab.test`;
    const applicants: SeededAccount['applicants'] = [];
    for (let j = 0; j < applicantsPerAccount; j++) {
      const serial = serials[i * applicantsPerAccount + j] ?? 0;
      // 9,999 serials per birth date; beyond that, the next day: distinct NIKs for any seed size.
      const dob = addDays('1985-01-01', Math.floor(serial / 9999) % 9000);
      const nik = makeNik('317101', dob, 'M', (serial % 9999) + 1);
      const applicantId = randomUUID();
      applicants.push({ applicantId, nik });
      applicantRows.push({ id: applicantId, accountId, nik, dob });
    }
    seeded.push({ accountId, email, token: ctx.tokens.issue(accountId, Date.now()).token, applicants });
  }
  await ctx.db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO accounts (id, email, name, date_of_birth, gender, phone, password_hash, activated, created_at)
       SELECT id, email, 'Seed ' || email, '1985-01-01', 'M', '0812000000', $3, true, $4
       FROM unnest($1::text[], $2::text[]) AS t(id, email)`,
      [seeded.map((s) => s.accountId), seeded.map((s) => s.email), passwordHash, createdAt],
    );
    await tx.query(
      `INSERT INTO applicants (id, account_id, nik, name, date_of_birth, gender, married, created_at)
       SELECT id, account_id, nik, 'Pemohon ' || nik, dob, 'M', false, $5
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(id, account_id, nik, dob)`,
      [
        applicantRows.map((a) => a.id),
        applicantRows.map((a) => a.accountId),
        applicantRows.map((a) => a.nik),
        applicantRows.map((a) => a.dob),
        createdAt,
      ],
    );
  });
  return seeded;
}
