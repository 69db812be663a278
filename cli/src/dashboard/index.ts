// `paspor-lab run --dashboard [port]`: a live page without Docker. The run feeds it (the runner's
// samples, the target's scrapes, the steps and the progress); once a second the samples become a point,
// the run's Prometheus (with --observe) is asked for its alerts, and a frame goes to every open page. At
// the end the page links the run's report, and the command waits while a page is still open, as k6's
// own web dashboard does.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Progress } from '../engines/types.ts';
import { type AlertWatcher, watchAlerts } from './alerts.ts';
import { LiveCollector } from './collector.ts';
import { buildFrame, type Frame, type RunEnd } from './frame.ts';
import { REPORT_PATH, startPageServer } from './server.ts';

export { dashboardPort } from './options.ts';
export { DashboardPortError } from './server.ts';

/** What runScenario feeds (cli/src/run-scenario.ts): the span of the load and what happens in it. */
export interface LiveFeed {
  /** The load is about to start; `prometheusUrl` when --observe started one. */
  begin(run: { prometheusUrl: string | null }): void;
  /** One runner sample (the embedded runner's onSample). A property, so it can be handed on as it is. */
  readonly sample: (metric: string, value: number, tags: Readonly<Record<string, string>>) => void;
  /** One line of server.ndjson (the target's own /metrics, scraped every second). */
  server(line: string): void;
  /** The load is over: no more points. */
  end(): void;
}

export interface LiveDashboard extends LiveFeed {
  readonly url: string;
  note(line: string): void;
  progress(p: Progress): void;
  /** The run is judged: show the verdict, and the report when the run folder has one (null: no folder). */
  finish(end: { verdict: string; passed: boolean; dir: string | null }): void;
  /** Pages open right now. */
  pages(): number;
  /** Resolves once no page has been open for a few seconds (none open: after those seconds), or on `signal`. */
  linger(signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** A page that reloads, or follows the report link, is back within this; then it is not a leave. */
const LEAVE_GRACE_MS = 3_000;

/** Starts the page server on 127.0.0.1:`port` (0: a free one); throws DashboardPortError when taken. */
export async function startDashboard(port: number, title: string): Promise<LiveDashboard> {
  const server = await startPageServer(port);
  const collector = new LiveCollector();
  let state: Frame['state'] = 'starting';
  let note = 'starting';
  let progress: { elapsedMs: number; totalMs: number | null } | null = null;
  let alerts: AlertWatcher = watchAlerts(null);
  let end: RunEnd | null = null;
  let ticker: NodeJS.Timeout | undefined;

  const publish = () =>
    server.publish(
      buildFrame({
        title,
        state,
        note,
        history: collector.history,
        progress,
        alerts: alerts.panel(),
        end,
      }),
    );
  publish();

  const stopTicking = () => {
    clearInterval(ticker);
    ticker = undefined;
  };

  return {
    url: server.url,
    begin(run) {
      state = 'running';
      alerts = watchAlerts(run.prometheusUrl);
      ticker = setInterval(() => {
        collector.flush();
        void alerts.poll();
        publish();
      }, 1000);
    },
    sample: (metric, value, tags) => collector.sample(metric, value, tags),
    server: (line) => collector.server(line),
    end() {
      if (ticker) collector.flush();
      stopTicking();
      publish();
    },
    note(line) {
      note = line;
      publish();
    },
    progress(p) {
      progress = { elapsedMs: p.elapsedMs, totalMs: p.totalMs };
    },
    finish({ verdict, passed, dir }) {
      stopTicking();
      const report = dir === null ? null : join(dir, 'report.html');
      const written = report !== null && existsSync(report);
      if (written) server.serveReport(report);
      state = 'ended';
      note = written ? 'the run is over; its report is ready' : 'the run is over';
      end = { verdict, passed, report: written ? REPORT_PATH : null, folder: dir };
      publish();
    },
    pages: () => server.pages(),
    linger: (signal) => server.whenPagesClosed(LEAVE_GRACE_MS, signal),
    close() {
      stopTicking();
      return server.close();
    },
  };
}
