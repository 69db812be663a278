// Errors as application/problem+json (RFC 9457): one named error class the routes throw, and the
// handlers that turn anything thrown (validation, parser, unknown) into a problem with the trace id.
import type { FastifyError, FastifyInstance } from 'fastify';
import { installProblemHandlers as installWith, ProblemError } from '../../shared/problem.ts';

export {
  PROBLEM_BASE,
  PROBLEM_CONTENT_TYPE,
  ProblemError,
  sendProblem,
  traceIdOf,
} from '../../shared/problem.ts';

export const problems = {
  validation: (detail: string) => new ProblemError(400, 'validation', 'Invalid request', detail),
  unauthorized: (detail = 'a valid bearer token is required') =>
    new ProblemError(401, 'unauthorized', 'Not authenticated', detail, { 'www-authenticate': 'Bearer' }),
  forbidden: (detail: string) => new ProblemError(403, 'forbidden', 'Forbidden', detail),
  notFound: (what: string) => new ProblemError(404, 'not-found', 'Not found', `${what} was not found`),
  conflict: (slug: string, title: string, detail: string) => new ProblemError(409, slug, title, detail),
  unsupportedMediaType: (detail: string) =>
    new ProblemError(415, 'unsupported-media-type', 'Unsupported media type', detail),
  unprocessable: (slug: string, title: string, detail: string) => new ProblemError(422, slug, title, detail),
  tooMany: (detail: string, retryAfterSeconds: number, slug = 'rate-limited') =>
    new ProblemError(429, slug, 'Too many requests', detail, {
      'retry-after': String(retryAfterSeconds),
    }),
  unavailable: (slug: string, detail: string, retryAfterSeconds: number) =>
    new ProblemError(503, slug, 'Service unavailable', detail, { 'retry-after': String(retryAfterSeconds) }),
  badGateway: (slug: string, detail: string) => new ProblemError(502, slug, 'Upstream failure', detail),
};

const SLUG_BY_STATUS: Record<number, [string, string]> = {
  400: ['bad-request', 'Bad request'],
  401: ['unauthorized', 'Not authenticated'],
  403: ['forbidden', 'Forbidden'],
  404: ['not-found', 'Not found'],
  405: ['method-not-allowed', 'Method not allowed'],
  406: ['not-acceptable', 'Not acceptable'],
  413: ['payload-too-large', 'Payload too large'],
  415: ['unsupported-media-type', 'Unsupported media type'],
  429: ['rate-limited', 'Too many requests'],
};

/** Maps whatever a route or Fastify threw to a problem; only unknown errors become 500. */
export function toProblem(error: FastifyError | Error): ProblemError {
  if (error instanceof ProblemError) return error;
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    return problems.validation(error.message);
  }
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const [slug, title] = SLUG_BY_STATUS[status] ?? ['bad-request', 'Bad request'];
    const headers: Record<string, string> = {};
    return new ProblemError(status, slug, title, error.message, headers);
  }
  if (status === 503) return problems.unavailable('unavailable', error.message, 1);
  return new ProblemError(500, 'internal', 'Internal error', 'the server failed to handle the request');
}

export function installProblemHandlers(app: FastifyInstance): void {
  installWith(app, toProblem);
}
