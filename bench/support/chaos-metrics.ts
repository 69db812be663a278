// The API's own count of its 5xx answers, by route, from its /metrics: it covers what the bench's users
// cannot see (the answers to the simulator's notices). The counters start again with each process, so
// the bench reads them just before every SIGKILL and once at the end, and adds the readings up.

import { parsePrometheusText } from '@paspor-lab/cli/server-samples';
import type { Pool } from 'undici';

export class ServerErrorTally {
  /** "METHOD route" to the 5xx answers counted, over every API process of the run. */
  readonly byRoute = new Map<string, number>();
  /** Booking writes admission control shed (each also a 503 in byRoute). */
  shed = 0;

  async read(api: Pool): Promise<void> {
    const response = await api.request({ method: 'GET', path: '/metrics' });
    const text = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`GET /metrics answered ${response.statusCode}`);
    for (const sample of parsePrometheusText(text)) {
      if (sample.name === 'mpaspor_admission_shed_total') this.shed += sample.value;
      if (sample.name !== 'http_server_request_duration_seconds_count') continue;
      if (!sample.labels.status_code?.startsWith('5')) continue;
      const route = `${sample.labels.method} ${sample.labels.route}`;
      this.byRoute.set(route, (this.byRoute.get(route) ?? 0) + sample.value);
    }
  }

  /** 5xx answers that were not shedding: each one a defect to find. */
  errors(): number {
    return [...this.byRoute.values()].reduce((sum, n) => sum + n, 0) - this.shed;
  }

  describe(): string {
    const routes = [...this.byRoute.entries()].map(([route, n]) => `${route} ${n}`);
    return routes.length === 0 ? 'none' : routes.join(', ');
  }
}
