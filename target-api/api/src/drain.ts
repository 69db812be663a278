// The shutdown drain (SIGTERM, `app.close()`): idle keep-alive connections are closed first; requests
// already admitted run to the end and their answers ask the client to hang up; a request that arrives
// while draining (on a connection that was open, or one the kernel accepted before the listener closes)
// is answered 503 problem+json with Retry-After, not reset and not Fastify's plain-JSON 503. The listener
// stays open until the admitted requests are done, so connections queued in its backlog meanwhile get
// that answer too, instead of a reset when the listening socket closes.
import type { FastifyInstance } from 'fastify';
import { problems } from './problem.ts';

/** Seconds a client refused while draining is told to wait: another instance, or this one restarted. */
const RETRY_AFTER_SECONDS = 1;

export interface Drain {
  /** True once draining has begun. */
  readonly draining: boolean;
}

/**
 * Installs the drain on `app` (build it with `return503OnClosing: false`, so these hooks, not Fastify,
 * answer what arrives while closing). `onDrain` runs as draining begins (the background jobs stop).
 */
export function installDrain(app: FastifyInstance, onDrain: () => void): Drain {
  let draining = false;
  let admitted = 0;
  let drained: (() => void) | undefined;

  app.addHook('onRequest', async (request, reply) => {
    if (draining) {
      throw problems.unavailable(
        'shutting-down',
        'the service is shutting down; retry after the indicated delay',
        RETRY_AFTER_SECONDS,
      );
    }
    admitted++;
    // 'close' fires once per response, answered or aborted, so the count cannot leak.
    reply.raw.once('close', () => {
      admitted--;
      if (admitted === 0) drained?.();
    });
    request.log.trace({ admitted }, 'request admitted');
  });

  // Every answer sent while draining asks a keep-alive client to hang up, so no connection stays open
  // for a next request that would only be refused.
  app.addHook('onSend', async (_request, reply) => {
    if (draining) reply.header('connection', 'close');
  });

  app.addHook('preClose', async () => {
    draining = true;
    onDrain();
    // First the idle keep-alive connections: nothing is in flight on them, and closing them now (rather
    // than when the listener closes) leaves their clients the least time to start a request on them.
    app.server.closeIdleConnections?.();
    if (admitted > 0) await new Promise<void>((resolve) => (drained = resolve));
    app.log.info('drained: every admitted request answered');
  });

  return {
    get draining() {
      return draining;
    },
  };
}
