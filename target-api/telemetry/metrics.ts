// Prometheus metrics of one service instance: its own Registry (never prom-client's global one, so a
// test can build several apps in one process), the HTTP server histogram, the `mpaspor_*` domain
// metrics of docs/ARCHITECTURE.md, Node's default metrics and the database pool.
import client from 'prom-client';

/** Outcomes of `POST /v1/bookings`, the label values of `mpaspor_booking_attempts_total`. */
/** `replayed`: the answer first given for an Idempotency-Key, given again to a retry (no new booking). */
export type BookingOutcome =
  | 'booked'
  | 'replayed'
  | 'quota_exhausted'
  | 'duplicate'
  | 'rejected'
  | 'shed'
  | 'error';

/** The circuit breaker around the billing client, as `mpaspor_billing_circuit_state` encodes it. */
export type CircuitState = 'closed' | 'half_open' | 'open';
const circuitValue: Record<CircuitState, number> = { closed: 0, half_open: 1, open: 2 };

export interface PoolStats {
  size: number;
  idle: number;
  waiting: number;
}

export interface SlotLevel {
  office: string;
  capacity: number;
  taken: number;
}

/**
 * Values read at scrape time rather than pushed: the pool, the open release window and the codes still
 * pending are cheap to read when Prometheus asks and costly to keep up to date on every booking.
 */
export interface MetricSources {
  poolStats?: () => PoolStats;
  slotLevels?: () => Promise<readonly SlotLevel[]> | readonly SlotLevel[];
  codesPending?: () => Promise<number> | number;
}

/** The calls domain code makes, one line at each domain step. */
export interface DomainMetrics {
  bookingAttempt(office: string, outcome: BookingOutcome): void;
  /** A booking write refused by admission control, and which signal refused it. */
  admissionShed(reason: string): void;
  /** One call to the billing system: its outcome (`ok`, `error`, `timeout`, `circuit_open`) and seconds. */
  billingRequest(outcome: string, seconds: number): void;
  /** Seconds from the booking to its payment code. */
  paymentCodeIssued(seconds: number): void;
  codesPending(count: number): void;
  circuitState(state: CircuitState): void;
  /** One payment notice handled (`paid`, `duplicate`, `late`, `refunded`, `rejected`, ...). */
  paymentNotice(outcome: string): void;
  bookingsExpired(count: number): void;
  invariantViolations(invariant: string, violations: number): void;
  /** Bookings whose payment-code deadline just passed: with their code by then, and without. */
  paymentCodeDeadlines(inTime: number, missed: number): void;
  slotLevel(office: string, capacity: number, taken: number): void;
}

/** SLO boundaries (0.5 s and 1 s) sit on bucket edges so the SLO ratio is exact. */
export const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Payment-code objective is 30 s: the buckets reach well past it. */
const ISSUE_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export const OPENMETRICS_CONTENT_TYPE = client.Registry.OPENMETRICS_CONTENT_TYPE;
export const PROMETHEUS_CONTENT_TYPE = client.Registry.PROMETHEUS_CONTENT_TYPE;

export interface ServiceMetrics {
  readonly registry: client.Registry<client.RegistryContentType>;
  readonly domain: DomainMetrics;
  /** Records one HTTP request; `traceId` becomes the bucket's exemplar. */
  observeRequest(method: string, route: string, statusCode: number, seconds: number, traceId?: string): void;
  /** The exposition for a scraper's Accept header: OpenMetrics (with exemplars) when asked, else text. */
  render(accept: string | undefined): Promise<{ contentType: string; body: string }>;
}

export interface MetricsOptions {
  sources?: MetricSources;
  /** Node's default metrics (event-loop lag, heap, GC); on unless a test switches them off. */
  defaultMetrics?: boolean;
}

type Labels = Record<string, string | number>;

function exemplar(traceId: string | undefined): Labels | undefined {
  return traceId ? { trace_id: traceId } : undefined;
}

export function createMetrics(options: MetricsOptions = {}): ServiceMetrics {
  // Exemplars exist only in OpenMetrics registries, so the registry is built as one; a plain-text scrape
  // switches its content type for the duration of that scrape (see render).
  const registry = new client.Registry<client.RegistryContentType>();
  registry.setContentType(OPENMETRICS_CONTENT_TYPE);
  const registers = [registry];
  const sources = options.sources ?? {};

  // The pool gauges come first: prom-client collects in registration order, and the slot and pending-
  // code gauges below read the database while collecting. Read after them, the pool showed the scrape's
  // own two queries as "waiting" on an idle service.
  for (const [name, key] of [
    ['mpaspor_db_pool_size', 'size'],
    ['mpaspor_db_pool_idle', 'idle'],
    ['mpaspor_db_pool_waiting', 'waiting'],
  ] as const) {
    new client.Gauge({
      name,
      help: `Database pool: ${key} connections${key === 'waiting' ? ' (queued requests)' : ''}`,
      registers,
      collect() {
        if (sources.poolStats) this.set(sources.poolStats()[key]);
      },
    });
  }
  const httpDuration = new client.Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP requests served, by route template',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: HTTP_BUCKETS,
    enableExemplars: true,
    registers,
  });
  const bookingAttempts = new client.Counter({
    name: 'mpaspor_booking_attempts_total',
    help: 'Booking attempts by office and outcome',
    labelNames: ['office', 'outcome'] as const,
    registers,
  });
  const admissionShed = new client.Counter({
    name: 'mpaspor_admission_shed_total',
    help: 'Booking writes refused by admission control, by the signal that refused them',
    labelNames: ['reason'] as const,
    registers,
  });
  // Both slot gauges are filled by one read of the source, shared by their two collects, so they describe
  // the same instant and the source is asked once per scrape.
  let slotRead: Promise<void> | undefined;
  const readSlots = () => {
    slotRead ??= (async () => {
      try {
        if (!sources.slotLevels) return;
        const levels = await sources.slotLevels();
        // An office whose window closed disappears instead of keeping its last value.
        slotCapacity.reset();
        slotTaken.reset();
        for (const level of levels) {
          slotCapacity.set({ office: level.office }, level.capacity);
          slotTaken.set({ office: level.office }, level.taken);
        }
      } finally {
        setImmediate(() => {
          slotRead = undefined;
        });
      }
    })();
    return slotRead;
  };
  const slotCapacity = new client.Gauge({
    name: 'mpaspor_slot_capacity',
    help: 'Seats offered in the open release window, by office',
    labelNames: ['office'] as const,
    registers,
    collect: readSlots,
  });
  const slotTaken = new client.Gauge({
    name: 'mpaspor_slot_taken',
    help: 'Seats taken in the open release window, by office',
    labelNames: ['office'] as const,
    registers,
    collect: readSlots,
  });
  const billingRequests = new client.Counter({
    name: 'mpaspor_billing_requests_total',
    help: 'Calls to the billing system by outcome',
    labelNames: ['outcome'] as const,
    registers,
  });
  const billingDuration = new client.Histogram({
    name: 'mpaspor_billing_request_duration_seconds',
    help: 'Duration of calls to the billing system',
    buckets: HTTP_BUCKETS,
    enableExemplars: true,
    registers,
  });
  const codeIssue = new client.Histogram({
    name: 'mpaspor_payment_code_issue_seconds',
    help: 'Seconds from a booking to its payment code',
    buckets: ISSUE_BUCKETS,
    enableExemplars: true,
    registers,
  });
  const codesPending = new client.Gauge({
    name: 'mpaspor_payment_codes_pending',
    help: 'Bookings held and still waiting for their payment code',
    registers,
    async collect() {
      if (sources.codesPending) this.set(await sources.codesPending());
    },
  });
  const circuit = new client.Gauge({
    name: 'mpaspor_billing_circuit_state',
    help: 'Billing circuit breaker: 0 closed, 1 half-open, 2 open',
    registers,
  });
  const notices = new client.Counter({
    name: 'mpaspor_payment_notices_total',
    help: 'Payment notices received by outcome',
    labelNames: ['outcome'] as const,
    registers,
  });
  const expired = new client.Counter({
    name: 'mpaspor_bookings_expired_total',
    help: 'Bookings expired unpaid by the sweeper',
    registers,
  });
  const violations = new client.Gauge({
    name: 'mpaspor_invariant_violations',
    help: 'Violations found by the last invariant check, by invariant',
    labelNames: ['invariant'] as const,
    registers,
  });
  const deadlines = new client.Counter({
    name: 'mpaspor_payment_code_deadlines_total',
    help: 'Bookings whose payment-code deadline passed, by whether the code had come (in_time) or not (missed)',
    labelNames: ['outcome'] as const,
    registers,
  });
  // Both series exist from the start, so the missed share is 0, not absent, on a healthy service.
  deadlines.inc({ outcome: 'in_time' }, 0);
  deadlines.inc({ outcome: 'missed' }, 0);
  circuit.set(0);
  if (options.defaultMetrics !== false) client.collectDefaultMetrics({ register: registry });

  const domain: DomainMetrics = {
    bookingAttempt: (office, outcome) => bookingAttempts.inc({ office, outcome }),
    admissionShed: (reason) => admissionShed.inc({ reason }),
    billingRequest(outcome, seconds) {
      billingRequests.inc({ outcome });
      billingDuration.observe({ labels: {}, value: seconds, exemplarLabels: currentExemplar() });
    },
    paymentCodeIssued: (seconds) =>
      codeIssue.observe({ labels: {}, value: seconds, exemplarLabels: currentExemplar() }),
    codesPending: (count) => codesPending.set(count),
    circuitState: (state) => circuit.set(circuitValue[state]),
    paymentNotice: (outcome) => notices.inc({ outcome }),
    bookingsExpired: (count) => expired.inc(count),
    invariantViolations: (invariant, count) => violations.set({ invariant }, count),
    paymentCodeDeadlines(inTime, missed) {
      deadlines.inc({ outcome: 'in_time' }, inTime);
      deadlines.inc({ outcome: 'missed' }, missed);
    },
    slotLevel(office, capacity, taken) {
      slotCapacity.set({ office }, capacity);
      slotTaken.set({ office }, taken);
    },
  };

  // prom-client renames counters (drops `_total`) while rendering OpenMetrics; the original names are
  // put back afterwards so the next plain-text scrape still says `..._total`.
  const originalNames = () => new Map(registry.getMetricsAsArray().map((m) => [m, nameOf(m)] as const));
  let names = originalNames();
  let queue: Promise<unknown> = Promise.resolve();

  async function renderNow(openMetrics: boolean) {
    if (names.size !== registry.getMetricsAsArray().length) names = originalNames();
    registry.setContentType(openMetrics ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_CONTENT_TYPE);
    try {
      return { contentType: registry.contentType, body: await registry.metrics() };
    } finally {
      for (const [metric, name] of names) setNameOf(metric, name);
      registry.setContentType(OPENMETRICS_CONTENT_TYPE);
    }
  }

  return {
    registry,
    domain,
    observeRequest(method, route, statusCode, seconds, traceId) {
      httpDuration.observe({
        labels: { method, route, status_code: statusCode },
        value: seconds,
        exemplarLabels: exemplar(traceId),
      });
    },
    render(accept) {
      // Scrapes are serialised: the content type is registry state for the length of one render.
      const result = queue.then(() => renderNow(wantsOpenMetrics(accept)));
      queue = result.catch(() => undefined);
      return result;
    },
  };
}

/** Prometheus asks with `Accept: application/openmetrics-text; ...` when exemplar storage is on. */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  return accept?.includes('application/openmetrics-text') ?? false;
}

// The exemplar of a domain histogram is the active trace, set by the tracing module (no import cycle:
// tracing registers its reader here).
let activeTraceId: () => string | undefined = () => undefined;
export function setActiveTraceIdReader(reader: () => string | undefined): void {
  activeTraceId = reader;
}
function currentExemplar(): Labels | undefined {
  return exemplar(activeTraceId());
}

// prom-client's metric objects carry `name` at run time but its typings do not expose it on the base
// class; these two helpers keep that knowledge in one place.
type Named = { name: string };
function nameOf(metric: unknown): string {
  return (metric as Named).name;
}
function setNameOf(metric: unknown, name: string): void {
  (metric as Named).name = name;
}
