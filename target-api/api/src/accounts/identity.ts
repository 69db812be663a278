// The identity store: the accounts, their password hashes and their reset codes, which login and
// password reset ask. In the field it is a service of its own, and the early-2023 outage was it failing
// and timing out; here it is the same database, with the outage injected through the API's faults
// (admin/faults.ts, `identity`): every call below plays the fault first.
import { randomInt } from 'node:crypto';
import { sufferStoreFault } from '../admin/faults.ts';
import type { AppContext } from '../context.ts';
import { hashPassword, verifyPassword } from './passwords.ts';

export interface Credentials {
  accountId: string;
  activated: boolean;
}

/** How long a reset code may be used, and how many wrong codes burn it (a 6-digit code is guessable). */
export const RESET_CODE_MINUTES = 15;
export const RESET_CODE_ATTEMPTS = 5;

/** Checks an e-mail and password against the identity store; undefined when they do not match. */
export async function checkCredentials(
  ctx: AppContext,
  email: string,
  password: string,
): Promise<Credentials | undefined> {
  await sufferStoreFault(ctx.faults, 'identity');
  const account = (
    await ctx.db.query<{ id: string; password_hash: string; activated: boolean }>(
      'SELECT id, password_hash, activated FROM accounts WHERE email = lower($1)',
      [email],
    )
  ).rows[0];
  if (!account || !(await verifyPassword(password, account.password_hash))) return undefined;
  return { accountId: account.id, activated: account.activated };
}

/**
 * Stores a fresh reset code for the account of `email` and returns it, or null when no account has that
 * e-mail (the caller answers the same either way, so the route does not tell who has an account).
 */
export async function issueResetCode(ctx: AppContext, email: string): Promise<string | null> {
  await sufferStoreFault(ctx.faults, 'identity');
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const now = ctx.clock.now();
  const result = await ctx.db.query<{ id: string }>(
    `UPDATE accounts SET reset_code = $2, reset_expires_at = $3, reset_attempts = 0
     WHERE email = lower($1) RETURNING id`,
    [email, code, new Date(now + RESET_CODE_MINUTES * 60_000)],
  );
  return result.rows.length > 0 ? code : null;
}

/** Why a reset code was refused, for the answer; undefined when the password was changed. */
export type ResetRefusal = 'no-code' | 'expired' | 'wrong-code';

/**
 * Sets a new password if `code` is the account's live reset code. A wrong code counts an attempt in the
 * same statement that checks it, so parallel guesses cannot get past RESET_CODE_ATTEMPTS; the code is
 * spent on success or on the last attempt.
 */
export async function resetPassword(
  ctx: AppContext,
  email: string,
  code: string,
  newPassword: string,
): Promise<ResetRefusal | undefined> {
  await sufferStoreFault(ctx.faults, 'identity');
  const now = new Date(ctx.clock.now());
  const hash = await hashPassword(newPassword);
  const result = await ctx.db.query<{ outcome: string }>(
    `WITH target AS (
       SELECT id, reset_code, reset_expires_at FROM accounts WHERE email = lower($1) FOR UPDATE
     ), changed AS (
       UPDATE accounts a SET
         password_hash = CASE WHEN t.reset_code = $2 THEN $3 ELSE a.password_hash END,
         reset_attempts = CASE WHEN t.reset_code = $2 THEN 0 ELSE a.reset_attempts + 1 END,
         reset_code = CASE WHEN t.reset_code = $2 OR a.reset_attempts + 1 >= $5 THEN NULL ELSE a.reset_code END,
         reset_expires_at = CASE WHEN t.reset_code = $2 OR a.reset_attempts + 1 >= $5 THEN NULL ELSE a.reset_expires_at END
       FROM target t
       WHERE a.id = t.id AND t.reset_code IS NOT NULL AND t.reset_expires_at > $4
       RETURNING CASE WHEN t.reset_code = $2 THEN 'changed' ELSE 'wrong-code' END AS outcome
     )
     SELECT outcome FROM changed
     UNION ALL
     SELECT CASE WHEN reset_code IS NULL THEN 'no-code' ELSE 'expired' END FROM target
     WHERE NOT EXISTS (SELECT 1 FROM changed)`,
    [email, code, hash, now, RESET_CODE_ATTEMPTS],
  );
  const outcome = result.rows[0]?.outcome ?? 'no-code';
  return outcome === 'changed' ? undefined : (outcome as ResetRefusal);
}
