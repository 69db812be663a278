// The simulator's errors as application/problem+json (RFC 9457), the same shape as the API's:
// `type`, `title`, `status`, `detail` and the request's `traceId` (target-api/shared/problem.ts).
import type { FastifyError, FastifyInstance } from 'fastify';
import { installProblemHandlers as installWith, ProblemError } from '../../shared/problem.ts';

export { ProblemError, validTraceparent } from '../../shared/problem.ts';

/** Validation and other client errors keep their 4xx; anything else is the simulator's own 500. */
function toProblem(error: FastifyError): ProblemError {
  if (error instanceof ProblemError) return error;
  if (error.validation) return new ProblemError(400, 'validation', 'Invalid request', error.message);
  const status = error.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new ProblemError(status, 'bad-request', 'Bad request', error.message);
  }
  return new ProblemError(500, 'internal', 'Internal error', 'the simulator failed to handle the request');
}

export function installProblemHandlers(app: FastifyInstance): void {
  installWith(app, toProblem);
}
