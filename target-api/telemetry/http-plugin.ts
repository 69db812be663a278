// The Fastify side of telemetry, registered first on each service: the request span (@fastify/otel,
// without its per-hook spans), the HTTP histogram with trace-id exemplars, one access line per request
// and the `/metrics` route.
import FastifyOtel from '@fastify/otel';
import { type Context, context, trace } from '@opentelemetry/api';
import {
  type FastifyInstance,
  type FastifyPluginCallback,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { ServiceMetrics } from './metrics.ts';
import { tracingActive, tracingHookSpans } from './tracing.ts';

export interface TelemetryPluginOptions {
  metrics: ServiceMetrics;
  /** Path of the exposition route; `/metrics` unless given. */
  metricsPath?: string;
}

interface RequestTelemetry {
  context: Context | undefined;
  traceId: string | undefined;
  spanId: string | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    telemetry: RequestTelemetry | null;
  }
}

/** Label of requests that matched no route: raw URLs never become label values. */
export const UNMATCHED_ROUTE = 'unmatched';

function plugin(app: FastifyInstance, options: TelemetryPluginOptions, done: (err?: Error) => void): void {
  const { metrics } = options;
  const tracing = tracingActive();

  if (tracing) {
    // Only the request span by default: the per-hook and handler spans of @fastify/otel cost more per
    // request than they answer questions (telemetry/README.md has the measurements).
    const hookSpans = tracingHookSpans();
    const otel = new FastifyOtel.FastifyOtelInstrumentation({
      instrumentHooks: hookSpans,
      instrumentHandler: hookSpans,
      recordExceptions: true,
    });
    // Called directly rather than through app.register so its onRequest hook (which opens the span)
    // runs before ours below.
    otel.plugin()(app, {}, () => {});
  }

  app.decorateRequest('telemetry', null);

  app.addHook('onRequest', (request, _reply, hookDone) => {
    const ctx = tracing ? context.active() : undefined;
    const spanContext = ctx ? trace.getSpan(ctx)?.spanContext() : undefined;
    request.telemetry = { context: ctx, traceId: spanContext?.traceId, spanId: spanContext?.spanId };
    hookDone();
  });

  if (tracing) {
    // Body parsing continues on socket events, outside the context @fastify/otel entered in onRequest.
    // The rest of the lifecycle (validation, preHandler hooks, the handler) is re-entered into the
    // request's context here, so their log lines carry the trace (pino mixin) and domain spans and the
    // billing call are children of the request span. Cheaper than a child logger per request (measured).
    app.addHook('preValidation', (request, _reply, hookDone) => {
      const ctx = request.telemetry?.context;
      if (ctx) context.with(ctx, hookDone);
      else hookDone();
    });
  }

  app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, hookDone) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    const seconds = reply.elapsedTime / 1000;
    metrics.observeRequest(request.method, route, reply.statusCode, seconds, request.telemetry?.traceId);
    // onResponse runs on the socket's 'finish' event, outside the request's context: the ids are explicit.
    request.log.info(
      {
        trace_id: request.telemetry?.traceId,
        span_id: request.telemetry?.spanId,
        method: request.method,
        route,
        status_code: reply.statusCode,
        duration_ms: Math.round(reply.elapsedTime * 100) / 100,
      },
      'request',
    );
    hookDone();
  });

  // Scrapes are traced and logged like any request: every access line then has a trace to follow, and a
  // slow scrape (a slow gauge source) shows up where an SRE would look for it.
  app.get(options.metricsPath ?? '/metrics', { schema: { hide: true } }, async (request, reply) => {
    const { contentType, body } = await metrics.render(request.headers.accept);
    return reply.type(contentType).send(body);
  });

  done();
}

/**
 * Fastify's own request lines ("incoming request", "request completed") would double the access line this
 * plugin writes; errors are still logged. Pass as `Fastify({ logController: new AccessLogController() })`.
 */
export class AccessLogController extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    _request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (error) reply.log.error({ err: error }, 'request errored');
  }
}

// Not encapsulated: the hooks must see every route of the service.
(plugin as unknown as Record<symbol, unknown>)[Symbol.for('skip-override')] = true;
(plugin as unknown as Record<symbol, unknown>)[Symbol.for('fastify.display-name')] = 'paspor-lab-telemetry';

export const telemetryPlugin: FastifyPluginCallback<TelemetryPluginOptions> = plugin;
