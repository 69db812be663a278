// The identity store: the accounts and their password hashes, which login asks. In the field it is a
// service of its own, and the early-2023 outage was it failing and timing out; here it is the same
// database, with the outage injected through the API's faults (admin/faults.ts, `identity`).
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppContext } from '../context.ts';
import { verifyPassword } from './passwords.ts';

export class IdentityUnavailableError extends Error {
  readonly code = 'ERR_IDENTITY_UNAVAILABLE';
  constructor() {
    super('the identity store failed');
    this.name = 'IdentityUnavailableError';
  }
}

export interface Credentials {
  accountId: string;
  activated: boolean;
}

/** Checks an e-mail and password against the identity store; undefined when they do not match. */
export async function checkCredentials(
  ctx: AppContext,
  email: string,
  password: string,
): Promise<Credentials | undefined> {
  const fault = ctx.faults.identityFault();
  if (fault.delayMs > 0) await sleep(fault.delayMs);
  if (fault.fail) throw new IdentityUnavailableError();
  const account = (
    await ctx.db.query<{ id: string; password_hash: string; activated: boolean }>(
      'SELECT id, password_hash, activated FROM accounts WHERE email = lower($1)',
      [email],
    )
  ).rows[0];
  if (!account || !(await verifyPassword(password, account.password_hash))) return undefined;
  return { accountId: account.id, activated: account.activated };
}
