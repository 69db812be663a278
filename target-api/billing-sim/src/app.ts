// buildBillingSim(config): the billing / bank simulator as a Fastify app. Tests drive it with inject()
// or listen on loopback; main.ts only reads the configuration and calls listen.
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { problemClientErrorHandler } from '../../shared/client-error.ts';
import { FaultHistory } from '../../shared/fault-history.ts';
import { createValidatorCompiler } from '../../shared/validator.ts';
import { AccessLogController, createLogger, createMetrics, telemetryPlugin } from '../../telemetry/index.ts';
import { billRoutes } from './bills/routes.ts';
import { BillStore } from './bills/store.ts';
import type { BillingSimConfig } from './config.ts';
import { registerFaultGauge } from './faults/metrics.ts';
import { adminRoutes } from './faults/routes.ts';
import { activeNoticeFaults } from './faults/schedule.ts';
import { NoticeSender } from './notices/sender.ts';
import { installProblemHandlers, ProblemError } from './problem.ts';
import { initialFaults, type SimState } from './state.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The simulator's shared state, for tests and for telemetry to read gauges from. */
    billingSim: SimState;
  }
}

export function buildBillingSim(config: BillingSimConfig): FastifyInstance {
  const logger = createLogger({
    service: 'billing-sim',
    level: config.logLevel === false ? 'silent' : config.logLevel,
  });
  const app = Fastify({
    loggerInstance: logger,
    // Requests Node's HTTP parser refuses are answered as problem+json too.
    clientErrorHandler: problemClientErrorHandler(logger),
    logController: new AccessLogController(),
    // 32 hex digits, the shape of a trace id, so a problem's traceId looks the same with or without OTel.
    genReqId: () => randomBytes(16).toString('hex'),
  });

  const state: SimState = {
    config,
    store: new BillStore(),
    faults: initialFaults(),
    faultHistory: new FaultHistory(config.now),
    sender: new NoticeSender(
      { apiUrl: config.apiUrl, secret: config.noticeSecret, ...config.notices },
      {
        faults: () => activeNoticeFaults(state.faults, config.now()),
        random: config.random,
        onError: (record, error) =>
          app.log.warn(
            { noticeId: record.noticeId, attempts: record.attempts, err: error },
            'payment notice not acknowledged; giving up',
          ),
      },
    ),
  };
  app.decorate('billingSim', state);

  app.setValidatorCompiler(createValidatorCompiler());
  installProblemHandlers(app);
  const metrics = createMetrics();
  registerFaultGauge(metrics.registry, state, config.now);
  app.register(telemetryPlugin, { metrics });
  let ready = false;
  app.addHook('onReady', async () => {
    ready = true;
  });
  app.addHook('preClose', async () => {
    ready = false;
  });
  // Notices under way get a moment to land; the rest are abandoned (the simulator keeps no state).
  app.addHook('onClose', async () => state.sender.close(1_000));

  app.get('/health/live', async () => ({ status: 'ok' }));
  app.get('/health/ready', async () => {
    if (!ready)
      throw new ProblemError(503, 'not-ready', 'Not ready', 'the simulator is starting or stopping');
    return { status: 'ok' };
  });

  app.register(billRoutes, { state });
  app.register(adminRoutes, { state });
  return app;
}
