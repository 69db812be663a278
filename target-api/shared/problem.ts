// Errors as application/problem+json (RFC 9457), shared by the API and the billing simulator: the named
// error class routes throw, the body with the request's trace id, and the handlers that send it. Each
// service keeps its own mapping of framework errors (`toProblem`) and its own problem helpers.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const PROBLEM_BASE = 'https://paspor-lab.dev/problems/';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export class ProblemError extends Error {
  readonly statusCode: number;
  readonly slug: string;
  readonly title: string;
  readonly headers: Record<string, string>;
  constructor(
    status: number,
    slug: string,
    title: string,
    detail: string,
    headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'ProblemError';
    this.statusCode = status;
    this.slug = slug;
    this.title = title;
    this.headers = headers;
  }
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  traceId: string;
}

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The W3C traceparent header when it is well formed (all-zero ids are invalid), else null. */
export function validTraceparent(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const match = TRACEPARENT.exec(value);
  if (!match?.[1] || /^0+$/.test(match[1])) return null;
  return value;
}

/** The trace id: W3C traceparent's when the caller sent one, else the request id (32 hex digits). */
export function traceIdOf(request: FastifyRequest): string {
  const parent = validTraceparent(request.headers.traceparent);
  return parent ? parent.slice(3, 35) : request.id;
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: ProblemError): FastifyReply {
  const body: ProblemBody = {
    type: `${PROBLEM_BASE}${error.slug}`,
    title: error.title,
    status: error.statusCode,
    detail: error.message,
    traceId: traceIdOf(request),
  };
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  return reply.code(error.statusCode).type(PROBLEM_CONTENT_TYPE).send(body);
}

/**
 * Everything thrown becomes a problem through the service's `toProblem`; only errors that map to a 5xx
 * without being a ProblemError are logged. Unknown routes answer a 404 problem.
 */
export function installProblemHandlers(
  app: FastifyInstance,
  toProblem: (error: FastifyError) => ProblemError,
): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = toProblem(error);
    if (problem.statusCode >= 500 && !(error instanceof ProblemError)) {
      request.log.error({ err: error }, 'unhandled error');
    }
    return sendProblem(request, reply, problem);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      request,
      reply,
      new ProblemError(
        404,
        'not-found',
        'Not found',
        `no route ${request.method} ${request.url.split('?')[0]}`,
      ),
    ),
  );
}
