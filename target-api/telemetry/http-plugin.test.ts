// The telemetry plugin on small real Fastify apps over loopback, with the real SDK and an in-memory span
// exporter (the OTLP wire format is covered by the end-to-end tests in target-api/test/).
import { Writable } from 'node:stream';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessLogController, telemetryPlugin } from './http-plugin.ts';
import { createLogger } from './logger.ts';
import { createMetrics, type ServiceMetrics } from './metrics.ts';
import { startTracing, type Tracing, tracingConfigFromEnv, withSpan } from './tracing.ts';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
const logLines: Record<string, unknown>[] = [];
const rawLines: string[] = [];
let front: FastifyInstance;
let back: FastifyInstance;
let frontMetrics: ServiceMetrics;
let frontUrl: string;

function service(name: string, metrics: ServiceMetrics): FastifyInstance {
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        rawLines.push(line);
        logLines.push(JSON.parse(line));
      }
      done();
    },
  });
  const app = Fastify({
    loggerInstance: createLogger({ service: name, destination }),
    logController: new AccessLogController(),
  });
  app.register(telemetryPlugin, { metrics });
  return app as unknown as FastifyInstance;
}

beforeAll(async () => {
  tracing = startTracing(tracingConfigFromEnv('telemetry-test', {}), [new SimpleSpanProcessor({ exporter })]);
  back = service('back', createMetrics({ defaultMetrics: false }));
  back.post('/v1/bills', async (request) => {
    request.log.info('bill issued');
    return { billingCode: '812345678901234' };
  });
  await back.listen({ host: '127.0.0.1', port: 0 });
  const backUrl = `http://127.0.0.1:${(back.server.address() as { port: number }).port}`;

  frontMetrics = createMetrics({ defaultMetrics: false });
  front = service('front', frontMetrics);
  front.post('/v1/bookings/:bookingId/hold', async (request) => {
    return withSpan('booking.hold_seat', { 'booking.office': 'kanim-jaksel' }, async () => {
      request.log.info('holding a seat');
      const res = await fetch(`${backUrl}/v1/bills`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      });
      return res.json();
    });
  });
  await front.listen({ host: '127.0.0.1', port: 0 });
  frontUrl = `http://127.0.0.1:${(front.server.address() as { port: number }).port}`;
});

afterAll(async () => {
  await front?.close();
  await back?.close();
  await tracing?.shutdown();
});

const spans = () => exporter.getFinishedSpans();
const byName = (name: string) => spans().filter((s) => s.name === name);
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe('telemetry plugin', () => {
  it('continues an incoming traceparent through a domain span and an outgoing call into the next service', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const remoteParent = '00f067aa0ba902b7';
    const res = await fetch(`${frontUrl}/v1/bookings/b-42/hold`, {
      method: 'POST',
      body: '{"nik":"3174011501900001"}',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${remoteParent}-01` },
    });
    expect(res.status).toBe(200);
    await tracing.flush();

    const inTrace = spans().filter((s) => s.spanContext().traceId === traceId);
    const requests = byName('request').filter((s) => s.spanContext().traceId === traceId);
    const frontRequest = requests.find((s) => s.attributes['http.route'] === '/v1/bookings/:bookingId/hold');
    const backRequest = requests.find((s) => s.attributes['http.route'] === '/v1/bills');
    const hold = inTrace.find((s) => s.name === 'booking.hold_seat');
    const client = inTrace.find((s) => s.kind === 2 /* CLIENT */);
    expect(frontRequest && backRequest && hold && client).toBeTruthy();
    if (!frontRequest || !backRequest || !hold || !client) return;
    expect(parentOf(frontRequest)).toBe(remoteParent);
    expect(parentOf(hold)).toBe(frontRequest.spanContext().spanId);
    expect(parentOf(client)).toBe(hold.spanContext().spanId);
    expect(parentOf(backRequest)).toBe(client.spanContext().spanId);
    expect(frontRequest.attributes['http.route']).toBe('/v1/bookings/:bookingId/hold');
  });

  it('writes one access line per request, and every line inside a request carries its trace ids', async () => {
    logLines.length = 0;
    rawLines.length = 0;
    await fetch(`${frontUrl}/v1/bookings/b-43/hold`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    const access = logLines.filter((l) => l.msg === 'request');
    expect(access).toHaveLength(2); // one per service
    const frontAccess = access.find((l) => l.service === 'front');
    expect(frontAccess).toMatchObject({
      method: 'POST',
      route: '/v1/bookings/:bookingId/hold',
      status_code: 200,
    });
    expect(typeof frontAccess?.duration_ms).toBe('number');
    const traceIds = new Set(logLines.map((l) => l.trace_id));
    expect(traceIds.size).toBe(1);
    expect(logLines.every((l) => typeof l.span_id === 'string')).toBe(true);
    const exported = new Set(spans().map((s) => s.spanContext().traceId));
    expect(exported.has(String(frontAccess?.trace_id))).toBe(true);
    // Ids are written once per line, not once by the mixin and again by the bindings.
    for (const raw of rawLines) expect(raw.match(/"trace_id"/g)).toHaveLength(1);
  });

  it('labels the HTTP histogram with the route template, 404s as unmatched, and exemplars a real trace', async () => {
    await fetch(`${frontUrl}/no/such/path/3174011501900001`);
    const { body } = await frontMetrics.render('application/openmetrics-text');
    expect(body).toContain('route="/v1/bookings/:bookingId/hold"');
    expect(body).toContain('route="unmatched",status_code="404"');
    expect(body).not.toContain('b-42');
    expect(body).not.toContain('3174011501900001');
    const exemplars = [...body.matchAll(/trace_id="([0-9a-f]{32})"/g)].map((m) => m[1]);
    expect(exemplars.length).toBeGreaterThan(0);
    const exported = new Set(spans().map((s) => s.spanContext().traceId));
    expect(exemplars.every((id) => exported.has(String(id)))).toBe(true);
  });

  it('traces and logs a scrape of /metrics like any other request', async () => {
    exporter.reset();
    logLines.length = 0;
    const res = await fetch(`${frontUrl}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    await tracing.flush();
    const scrape = byName('request').find((s) => s.attributes['http.route'] === '/metrics');
    expect(scrape?.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(logLines.find((l) => l.route === '/metrics')?.trace_id).toBe(scrape?.spanContext().traceId);
  });
});
