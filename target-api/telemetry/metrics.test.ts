import { describe, expect, it } from 'vitest';
import { createMetrics, OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE } from './metrics.ts';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('service metrics', () => {
  it('exposes every mpaspor_* metric of docs/ARCHITECTURE.md with the values domain code recorded', async () => {
    const metrics = createMetrics({
      defaultMetrics: false,
      sources: {
        poolStats: () => ({ size: 10, idle: 7, waiting: 2 }),
        slotLevels: async () => [{ office: 'kanim-jaksel', capacity: 40, taken: 12 }],
        codesPending: () => 3,
      },
    });
    metrics.domain.bookingAttempt('kanim-jaksel', 'booked');
    metrics.domain.bookingAttempt('kanim-jaksel', 'booked');
    metrics.domain.bookingAttempt('kanim-jaksel', 'quota_exhausted');
    metrics.domain.admissionShed('queue-delay');
    metrics.domain.admissionShed('queue-delay');
    metrics.domain.admissionShed('in-flight');
    metrics.domain.billingRequest('ok', 0.12);
    metrics.domain.paymentCodeIssued(1.5);
    metrics.domain.circuitState('open');
    metrics.domain.paymentNotice('paid');
    metrics.domain.bookingsExpired(4);
    metrics.domain.invariantViolations('quota_conserved', 0);

    const { body, contentType } = await metrics.render(undefined);
    expect(contentType).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(body).toContain('mpaspor_booking_attempts_total{office="kanim-jaksel",outcome="booked"} 2');
    expect(body).toContain(
      'mpaspor_booking_attempts_total{office="kanim-jaksel",outcome="quota_exhausted"} 1',
    );
    expect(body).toContain('mpaspor_admission_shed_total{reason="queue-delay"} 2');
    expect(body).toContain('mpaspor_admission_shed_total{reason="in-flight"} 1');
    expect(body).toContain('mpaspor_slot_capacity{office="kanim-jaksel"} 40');
    expect(body).toContain('mpaspor_slot_taken{office="kanim-jaksel"} 12');
    expect(body).toContain('mpaspor_billing_requests_total{outcome="ok"} 1');
    expect(body).toContain('mpaspor_billing_request_duration_seconds_count 1');
    expect(body).toContain('mpaspor_payment_code_issue_seconds_bucket{le="2.5"} 1');
    expect(body).toContain('mpaspor_payment_codes_pending 3');
    expect(body).toContain('mpaspor_billing_circuit_state 2');
    expect(body).toContain('mpaspor_payment_notices_total{outcome="paid"} 1');
    expect(body).toContain('mpaspor_bookings_expired_total 4');
    expect(body).toContain('mpaspor_invariant_violations{invariant="quota_conserved"} 0');
    expect(body).toContain('mpaspor_db_pool_size 10');
    expect(body).toContain('mpaspor_db_pool_idle 7');
    expect(body).toContain('mpaspor_db_pool_waiting 2');
  });

  it("reads the pool before the scrape's own database reads join its queue", async () => {
    // Stands in for the storage layer: each scrape-time read of the database queues one unit of work.
    let waiting = 0;
    const metrics = createMetrics({
      defaultMetrics: false,
      sources: {
        poolStats: () => ({ size: 1, idle: 1, waiting }),
        slotLevels: async () => {
          waiting++;
          await new Promise((resolve) => setImmediate(resolve));
          waiting--;
          return [];
        },
        codesPending: async () => {
          waiting++;
          await new Promise((resolve) => setImmediate(resolve));
          waiting--;
          return 0;
        },
      },
    });
    const { body } = await metrics.render(undefined);
    expect(body).toContain('mpaspor_db_pool_waiting 0');
  });

  it('puts the SLO boundaries 0.5 s and 1 s on bucket edges of the HTTP histogram', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.observeRequest('POST', '/v1/bookings', 201, 0.7);
    const { body } = await metrics.render(undefined);
    const bucket = (le: string) =>
      `http_server_request_duration_seconds_bucket{le="${le}",method="POST",route="/v1/bookings",status_code="201"}`;
    expect(body).toContain(`${bucket('0.5')} 0`);
    expect(body).toContain(`${bucket('1')} 1`);
  });

  it('serves exemplars in OpenMetrics when the scraper asks for it, and plain text otherwise', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.observeRequest('GET', '/v1/offices', 200, 0.02, TRACE);
    metrics.domain.bookingAttempt('kanim-jaksel', 'booked');

    const open = await metrics.render('application/openmetrics-text; version=1.0.0,text/plain;q=0.5');
    expect(open.contentType).toBe(OPENMETRICS_CONTENT_TYPE);
    expect(open.body).toMatch(
      new RegExp(
        `http_server_request_duration_seconds_bucket\\{[^}]*le="0.025"[^}]*\\} 1 # \\{trace_id="${TRACE}"\\} 0.02`,
      ),
    );
    expect(open.body.trimEnd().endsWith('# EOF')).toBe(true);

    // The OpenMetrics render must not leave counters renamed for the next plain-text scrape.
    const plain = await metrics.render('text/plain');
    expect(plain.body).not.toContain(TRACE);
    expect(plain.body).toContain('# TYPE mpaspor_booking_attempts_total counter');
    expect(plain.body).toContain('mpaspor_booking_attempts_total{office="kanim-jaksel",outcome="booked"} 1');
  });

  it('keeps concurrent scrapes of both formats apart', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.observeRequest('GET', '/v1/offices', 200, 0.02, TRACE);
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        metrics.render(i % 2 === 0 ? 'application/openmetrics-text' : undefined),
      ),
    );
    results.forEach((result, i) => {
      expect(result.body.includes('# EOF')).toBe(i % 2 === 0);
      expect(result.body.includes(`trace_id="${TRACE}"`)).toBe(i % 2 === 0);
    });
  });

  it('keeps one registry per instance so two apps in one process do not collide', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.domain.bookingAttempt('kanim-a', 'booked');
    const bBody = (await b.render(undefined)).body;
    expect(bBody).not.toContain('kanim-a');
    expect(bBody).toContain('nodejs_eventloop_lag_seconds');
    expect(bBody).toContain('nodejs_heap_size_used_bytes');
    expect(bBody).toContain('nodejs_gc_duration_seconds');
  });
});
