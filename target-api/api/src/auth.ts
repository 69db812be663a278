// Request authentication: the applicant's bearer token, or the admin token for /admin routes.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from './context.ts';
import { problems } from './problem.ts';

declare module 'fastify' {
  interface FastifyRequest {
    accountId?: string;
  }
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
  return match?.[1];
}

/** onRequest hook for applicant routes: sets request.accountId or refuses with 401. */
export function requireAccount(ctx: AppContext) {
  return async (request: FastifyRequest): Promise<void> => {
    const token = bearer(request);
    const accountId = token ? ctx.tokens.verify(token, Date.now()) : undefined;
    if (!accountId) throw problems.unauthorized();
    request.accountId = accountId;
  };
}

export function accountOf(request: FastifyRequest): string {
  if (!request.accountId) throw problems.unauthorized();
  return request.accountId;
}

/** onRequest hook for admin routes; compares digests so the check takes the same time for any token. */
export function requireAdmin(ctx: AppContext) {
  const expected = createHash('sha256').update(ctx.config.adminToken).digest();
  return async (request: FastifyRequest): Promise<void> => {
    const token = bearer(request);
    const given = createHash('sha256')
      .update(token ?? '')
      .digest();
    if (!token || !timingSafeEqual(expected, given))
      throw problems.unauthorized('a valid admin token is required');
  };
}
