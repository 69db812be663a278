// Builds the booking API: storage, shared services, and one plugin per feature. Tests drive the result
// with app.inject(); main.ts only adds listen() and signal handling.
import { randomUUID } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { problemClientErrorHandler } from '../../shared/client-error.ts';
import { type Clock, createClock } from '../../shared/clock.ts';
import { createValidatorCompiler } from '../../shared/validator.ts';
import {
  AccessLogController,
  bookingApiSources,
  bookingAttemptsHook,
  createLogger,
  createMetrics,
  instrumentBilling,
  telemetryPlugin,
  traceStorage,
} from '../../telemetry/index.ts';
import { createMailbox } from './accounts/mailbox.ts';
import { hashPassword } from './accounts/passwords.ts';
import { accountsPlugin } from './accounts/plugin.ts';
import { createTokenSigner } from './accounts/tokens.ts';
import { createFaults } from './admin/faults.ts';
import { invariantWatch } from './admin/invariants.ts';
import { adminPlugin } from './admin/plugin.ts';
import { SEED_PASSWORD } from './admin/seed.ts';
import { applicantsPlugin } from './applicants/plugin.ts';
import { bookingPlugin } from './booking/plugin.ts';
import type { ApiConfig } from './config.ts';
import type { AppContext } from './context.ts';
import { chooseVariants } from './defects/index.ts';
import { openDocumentFolder } from './documents/folder.ts';
import { documentsPlugin } from './documents/plugin.ts';
import { installDrain } from './drain.ts';
import { healthPlugin } from './health.ts';
import { AvailabilityCache } from './offices/availability-cache.ts';
import { findOffice } from './offices/domain/catalogue.ts';
import { officesPlugin } from './offices/plugin.ts';
import { openInitialWindow, releaseScheduler, syncOffices } from './offices/releases.ts';
import { createBillingClient } from './payments/billing-client.ts';
import { runOutboxPass } from './payments/outbox.ts';
import { paymentsPlugin } from './payments/plugin.ts';
import { expireUnpaid } from './payments/sweeper.ts';
import { installProblemHandlers, problems, sendProblem, toProblem } from './problem.ts';
import { inBackground } from './storage/database.ts';
import { type Database, openDatabase } from './storage/index.ts';

declare module 'fastify' {
  interface FastifyInstance {
    pasporCtx: AppContext;
  }
}

export interface BuildOverrides {
  /** A clock the caller controls (tests); otherwise one running at config.clockSpeed. */
  clock?: Clock;
  /** An open, migrated database the caller owns (tests share one per file); closed by the caller. */
  db?: Database;
}

export async function buildApp(config: ApiConfig, overrides: BuildOverrides = {}): Promise<FastifyInstance> {
  const clock = overrides.clock ?? clockOf(config);
  const faults = createFaults();
  const db =
    overrides.db ??
    (await openDatabase({
      databaseUrl: config.databaseUrl,
      pgliteDataDir: config.pgliteDataDir,
      poolSize: config.dbPoolSize,
    }));
  db.setLatencySource(() => faults.databaseLatencyMs());
  // A scrape's gauges are background work: they yield to the requests for the database.
  const gauges = {
    query: <R>(sql: string, params?: readonly unknown[]) => inBackground(() => db.query<R>(sql, params)),
    poolStats: () => db.poolStats(),
  };
  const metrics = createMetrics({
    sources: bookingApiSources(gauges, () => new Date(clock.now()).toISOString().slice(0, 10)),
  });
  let seedHash: Promise<string> | undefined;
  const ctx: AppContext = {
    config,
    db: traceStorage(db),
    clock,
    defects: config.defects,
    variants: chooseVariants(config.defects),
    availability: new AvailabilityCache(config.availabilityCacheMs),
    tokens: createTokenSigner(config.tokenSecret, config.tokenTtlSeconds),
    mailbox: createMailbox(),
    faults,
    documents: await openDocumentFolder(config.documentDir),
    metrics: metrics.domain,
    billing: instrumentBilling(
      createBillingClient({
        baseUrl: config.billingUrl,
        timeoutMs: config.billingTimeoutMs,
        inlineTimeoutMs: config.billingInlineTimeoutMs,
        secret: config.noticeSecret,
      }),
      metrics.domain,
    ),
    seedPasswordHash: () => {
      seedHash ??= hashPassword(SEED_PASSWORD);
      return seedHash;
    },
  };
  await syncOffices(db);
  await openInitialWindow(ctx, config.releaseInitialDays);

  const logger = createLogger({ service: 'mpaspor-api', level: config.logLevel });
  const app = Fastify({
    loggerInstance: logger,
    logController: new AccessLogController(),
    // 32 hex digits from Node's pooled UUIDs: randomBytes per request was a system call each (1.3% of
    // the API's CPU under bench:api, 3 Dec).
    genReqId: () => randomUUID().replaceAll('-', ''),
    // Errors Fastify raises before routing (a malformed URL, say) are problems too.
    frameworkErrors: (error, request, reply) => sendProblem(request, reply, toProblem(error)),
    // And so are those Node's HTTP parser raises before there is a request at all.
    clientErrorHandler: problemClientErrorHandler(logger),
    // What arrives while closing is answered by the drain (drain.ts) as problem+json with Retry-After.
    return503OnClosing: false,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.decorate('pasporCtx', ctx);
  app.setValidatorCompiler(createValidatorCompiler());
  installProblemHandlers(app);
  await app.register(telemetryPlugin, { metrics });
  // Before the routes, so its hooks cover every one of them. The background jobs stop starting passes as
  // draining begins: the in-flight requests get the database to themselves (behind a slow database a
  // pass every 250 ms took the connection from the request being drained, past the shutdown deadline).
  const stops: (() => void)[] = [];
  installDrain(app, () => {
    for (const stop of stops) stop();
  });
  app.addHook(
    'onSend',
    bookingAttemptsHook(metrics.domain, (id) => findOffice(id) !== undefined),
  );

  await app.register(swagger, {
    openapi: {
      info: { title: 'Paspor Lab reference M-Paspor booking API', version: '0.1.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      problems.tooMany(
        `too many attempts; retry in ${Math.ceil(context.ttl / 1000)} s`,
        Math.max(1, Math.ceil(context.ttl / 1000)),
      ),
  });

  await app.register(healthPlugin, { ctx });
  await app.register(accountsPlugin, { ctx });
  await app.register(applicantsPlugin, { ctx });
  await app.register(documentsPlugin, { ctx });
  await app.register(officesPlugin, { ctx });
  await app.register(bookingPlugin, { ctx });
  await app.register(paymentsPlugin, { ctx });
  await app.register(adminPlugin, { ctx });
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());

  if (config.backgroundJobs) {
    // The outbox issues the payment codes applicants are waiting for: its database work keeps its place
    // among the requests'. Behind them (as background) a pass of 20 rows took seconds while applicants
    // polled for their codes, and payment-code-failure's 12 s objective broke (3 Dec, one CI run).
    stops.push(loop(app, 'outbox', config.outboxIntervalMs, () => runOutboxPass(ctx)));
    // The others can wait behind the requests (storage/database.ts, inBackground).
    stops.push(
      loop(
        app,
        'sweeper',
        config.sweepIntervalMs,
        asBackground(() => expireUnpaid(ctx)),
      ),
    );
    if (config.invariantCheckMs > 0)
      stops.push(loop(app, 'invariants', config.invariantCheckMs, asBackground(invariantWatch(ctx))));
    const releases = releaseScheduler(ctx);
    stops.push(loop(app, 'releases', config.releaseIntervalMs, asBackground(releases)));
  }
  app.addHook('onClose', async () => {
    await ctx.billing.close();
    await ctx.documents.close();
    if (!overrides.db) await db.close();
  });
  return app;
}

/**
 * Simulated time = epoch + (real now - epoch) x speed: the API and the billing simulator started with the
 * same CLOCK_EPOCH agree on simulated time whenever each started.
 */
function clockOf(config: ApiConfig): Clock {
  const realStart = Date.now();
  const epoch = config.clockEpochMs ?? realStart;
  return createClock({
    speed: config.clockSpeed,
    origin: epoch + Math.floor((realStart - epoch) * config.clockSpeed),
  });
}

/** `work`, its database work run as background work whenever it is called. */
function asBackground(work: () => Promise<unknown>): () => Promise<unknown> {
  return () => inBackground(work);
}

/** Runs `work` every `intervalMs`, never two at once; a failure is logged and the loop goes on. */
function loop(
  app: FastifyInstance,
  name: string,
  intervalMs: number,
  work: () => Promise<unknown>,
): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const tick = async () => {
    try {
      await work();
    } catch (error) {
      if (!stopped) app.log.warn({ err: error, job: name }, 'background job failed');
    }
    if (!stopped) timer = setTimeout(tick, intervalMs);
  };
  timer = setTimeout(tick, intervalMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
