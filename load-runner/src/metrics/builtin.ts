// k6's built-in metrics, defined up front so thresholds on them validate before the test starts.
import type { Metric, MetricRegistry } from './registry.ts';

export interface BuiltinMetrics {
  vus: Metric;
  vusMax: Metric;
  iterations: Metric;
  iterationDuration: Metric;
  droppedIterations: Metric;
  checks: Metric;
  groupDuration: Metric;
  dataSent: Metric;
  dataReceived: Metric;
  httpReqs: Metric;
  httpReqDuration: Metric;
  httpReqBlocked: Metric;
  httpReqConnecting: Metric;
  httpReqTlsHandshaking: Metric;
  httpReqSending: Metric;
  httpReqWaiting: Metric;
  httpReqReceiving: Metric;
  httpReqFailed: Metric;
}

export function defineBuiltins(registry: MetricRegistry): BuiltinMetrics {
  const metrics = {
    vus: registry.define('vus', 'gauge'),
    vusMax: registry.define('vus_max', 'gauge'),
    iterations: registry.define('iterations', 'counter'),
    iterationDuration: registry.define('iteration_duration', 'trend', 'time'),
    droppedIterations: registry.define('dropped_iterations', 'counter'),
    checks: registry.define('checks', 'rate'),
    groupDuration: registry.define('group_duration', 'trend', 'time'),
    dataSent: registry.define('data_sent', 'counter', 'data'),
    dataReceived: registry.define('data_received', 'counter', 'data'),
    httpReqs: registry.define('http_reqs', 'counter'),
    httpReqDuration: registry.define('http_req_duration', 'trend', 'time'),
    httpReqBlocked: registry.define('http_req_blocked', 'trend', 'time'),
    httpReqConnecting: registry.define('http_req_connecting', 'trend', 'time'),
    httpReqTlsHandshaking: registry.define('http_req_tls_handshaking', 'trend', 'time'),
    httpReqSending: registry.define('http_req_sending', 'trend', 'time'),
    httpReqWaiting: registry.define('http_req_waiting', 'trend', 'time'),
    httpReqReceiving: registry.define('http_req_receiving', 'trend', 'time'),
    httpReqFailed: registry.define('http_req_failed', 'rate'),
  };
  // The summary always carries the duration of expected responses, as k6's does.
  metrics.httpReqDuration.submetric([['expected_response', 'true']]);
  return metrics;
}
