// Who may call the simulator's privileged routes: an operator with the admin bearer token, or the API,
// which signs its calls with the secret it shares with the simulator for payment notices.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyNotice } from '../../shared/notice-signature.ts';

export function tokenMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer (.+)$/.exec(header ?? '');
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1]);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export type Caller = 'operator' | 'api';

/** 'operator' (admin token), 'api' (a fresh signature over `signedText`), or null for anyone else. */
export function callerOf(
  request: FastifyRequest,
  secrets: { adminToken: string; noticeSecret: string },
  signedText: string,
): Caller | null {
  if (tokenMatches(request.headers.authorization, secrets.adminToken)) return 'operator';
  const signature = request.headers[SIGNATURE_HEADER];
  const timestamp = request.headers[TIMESTAMP_HEADER];
  const check = verifyNotice(
    secrets.noticeSecret,
    signedText,
    typeof signature === 'string' ? signature : undefined,
    typeof timestamp === 'string' ? timestamp : undefined,
    Math.floor(Date.now() / 1000),
  );
  return check.ok ? 'api' : null;
}
