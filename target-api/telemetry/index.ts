// Telemetry shared by the booking API and the billing simulator: metrics, traces and logs that connect.

export {
  type BillingClientLike,
  bookingApiSources,
  bookingAttemptsHook,
  bookingOutcome,
  instrumentBilling,
} from './booking-api.ts';
export {
  AccessLogController,
  type TelemetryPluginOptions,
  telemetryPlugin,
  UNMATCHED_ROUTE,
} from './http-plugin.ts';
export { bufferedDestination, createLogger, type LoggerOptions, REDACTED, scrub } from './logger.ts';
export {
  type BookingOutcome,
  type CircuitState,
  createMetrics,
  type DomainMetrics,
  type MetricSources,
  type PoolStats,
  type ServiceMetrics,
  type SlotLevel,
} from './metrics.ts';
export { traceStorage } from './storage-spans.ts';
export {
  activeTraceIds,
  startTracing,
  type Tracing,
  type TracingConfig,
  traceCarrier,
  tracingActive,
  tracingConfigFromEnv,
  withSpan,
  withTraceCarrier,
} from './tracing.ts';
