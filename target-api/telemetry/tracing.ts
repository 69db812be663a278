// OpenTelemetry tracing for one process: the Node SDK with W3C trace context, the undici instrumentation
// (diagnostics-channel based, so calls to the billing simulator and its notices back are client spans
// carrying `traceparent`), and helpers for the domain spans. Spans are exported over OTLP/HTTP (JSON)
// only when an endpoint is configured; without one they still exist, so incoming trace context is
// continued and logs and exemplars carry trace ids, but nothing is sent and nothing is printed.
import { type Attributes, context, propagation, type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { setActiveTraceIdReader } from './metrics.ts';

export interface TracingConfig {
  /** False when OTEL_SDK_DISABLED=true: no SDK at all (the "telemetry off" of the benchmark). */
  enabled: boolean;
  serviceName: string;
  /** Full URL of the traces endpoint (`.../v1/traces`); no exporter when undefined. */
  tracesUrl: string | undefined;
  /** Milliseconds between two exports of the batch processor. */
  exportDelayMs: number;
  /**
   * @fastify/otel's spans for every hook and handler (PASPOR_TRACE_HOOK_SPANS=true). Off by default:
   * the benchmark measures what they cost (telemetry/README.md).
   */
  hookSpans: boolean;
  /** A span per storage call (PASPOR_TRACE_DB_SPANS=true); measured in the benchmark. */
  dbSpans: boolean;
}

export class TracingConfigError extends Error {
  readonly code = 'ERR_TRACING_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'TracingConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Reads the standard OTEL_* variables this module honours (see telemetry/README.md). */
export function tracingConfigFromEnv(defaultServiceName: string, env: Env = process.env): TracingConfig {
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const explicit = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const tracesUrl = explicit || (base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined);
  if (tracesUrl !== undefined && !URL.canParse(tracesUrl)) {
    throw new TracingConfigError(
      `OTEL_EXPORTER_OTLP_ENDPOINT="${tracesUrl}" is not a URL; set it to e.g. http://127.0.0.1:4318`,
    );
  }
  const delay = env.OTEL_BSP_SCHEDULE_DELAY;
  if (delay !== undefined && delay !== '' && !/^\d+$/.test(delay)) {
    throw new TracingConfigError(`OTEL_BSP_SCHEDULE_DELAY="${delay}" is not whole milliseconds; try 1000`);
  }
  return {
    enabled: env.OTEL_SDK_DISABLED?.toLowerCase() !== 'true',
    serviceName: env.OTEL_SERVICE_NAME || defaultServiceName,
    tracesUrl,
    exportDelayMs: delay ? Number(delay) : 1000,
    hookSpans: env.PASPOR_TRACE_HOOK_SPANS === 'true',
    dbSpans: env.PASPOR_TRACE_DB_SPANS === 'true',
  };
}

export interface Tracing {
  readonly enabled: boolean;
  readonly hookSpans: boolean;
  readonly dbSpans: boolean;
  /** Exports what is buffered (tests call it before reading the receiver). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

const disabled: Tracing = {
  enabled: false,
  hookSpans: false,
  dbSpans: false,
  flush: async () => {},
  shutdown: async () => {},
};
let current: Tracing | undefined;

/**
 * Starts tracing for this process. The SDK is process-wide (it registers the global tracer provider), so a
 * second call returns the running instance. `spanProcessors` replaces the OTLP exporter (tests).
 */
export function startTracing(config: TracingConfig, spanProcessors?: SpanProcessor[]): Tracing {
  if (current) return current;
  if (!config.enabled) return disabled;
  const processors = spanProcessors ?? [
    config.tracesUrl
      ? new BatchSpanProcessor({
          exporter: new OTLPTraceExporter({ url: config.tracesUrl }),
          scheduledDelayMillis: config.exportDelayMs,
        })
      : // Spans are still created (trace ids for logs and exemplars, context for the billing call) but
        // go nowhere: no exporter means no connection attempts and no error lines.
        new NoopSpanProcessor(),
  ];
  const sdk = new NodeSDK({
    serviceName: config.serviceName,
    spanProcessors: processors,
    // No metrics or logs through OTel: metrics are prom-client's, logs are pino's.
    metricReaders: [],
    logRecordProcessors: [],
    // Resource detection probes the host and cloud metadata at start; the service name is enough here.
    autoDetectResources: false,
    instrumentations: [new UndiciInstrumentation({ requireParentforSpans: true })],
  });
  sdk.start();
  setActiveTraceIdReader(activeTraceId);
  const running: Tracing = {
    enabled: true,
    hookSpans: config.hookSpans,
    dbSpans: config.dbSpans,
    async flush() {
      await Promise.all(processors.map((p) => p.forceFlush()));
    },
    async shutdown() {
      current = undefined;
      setActiveTraceIdReader(() => undefined);
      await sdk.shutdown();
    },
  };
  current = running;
  return running;
}

export function tracingActive(): boolean {
  return current !== undefined;
}

/** Whether the running tracing wants @fastify/otel's per-hook and handler spans. */
export function tracingHookSpans(): boolean {
  return current?.hookSpans ?? false;
}

/** Whether the running tracing wants a span per storage call (storage-spans.ts). */
export function tracingDbSpans(): boolean {
  return current?.dbSpans ?? false;
}

const tracer = () => trace.getTracer('paspor-lab');

/**
 * Runs `work` inside a span named after a domain step (`booking.hold_seat`, `billing.issue_code`, ...).
 * A thrown error marks the span as failed and is rethrown unchanged.
 */
export function withSpan<T>(
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  if (!current) return work(trace.wrapSpanContext(INVALID_SPAN_CONTEXT));
  return tracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
      throw error;
    } finally {
      span.end();
    }
  });
}

const INVALID_SPAN_CONTEXT = { traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 };

/** The active trace as W3C headers (`traceparent`, `tracestate`), to store with work done later. */
export function traceCarrier(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/**
 * Runs `work` as a continuation of a stored trace context (a bill's notice, an outbox row), so spans
 * made later still join the booking's trace.
 */
export function withTraceCarrier<T>(
  carrier: Record<string, string> | string | null | undefined,
  work: () => T,
): T {
  if (!carrier) return work();
  const headers = typeof carrier === 'string' ? { traceparent: carrier } : carrier;
  return context.with(propagation.extract(context.active(), headers), work);
}

export interface TraceIds {
  trace_id: string;
  span_id: string;
}

/** The active span's ids, or undefined outside any span. */
export function activeTraceIds(): TraceIds | undefined {
  const span = trace.getActiveSpan();
  if (!span) return undefined;
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

function activeTraceId(): string | undefined {
  return trace.getActiveSpan()?.spanContext().traceId;
}
