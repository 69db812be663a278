// The Prometheus configuration of one observed run: the project's rules (time-scaled for a run of
// seconds, observability/prometheus/src/windows.ts) and the run's own targets, which start on random
// ports, so the file is written per run. Pure: text in, text out.
import { stringify } from 'yaml';

export interface ObservedTargets {
  /** host:port of the booking API, the billing simulator and the runner's live /metrics. */
  api: string;
  billing: string;
  runner: string | undefined;
}

export interface ConfigInput {
  targets: ObservedTargets;
  ruleFiles: string[];
  testId: string;
  /** Scrape and rule evaluation interval in seconds (1: a short run has few seconds to show). */
  intervalSeconds?: number;
}

export function renderPrometheusConfig(input: ConfigInput): string {
  const interval = `${input.intervalSeconds ?? 1}s`;
  // The target's series carry the run's testid as a target label; the runner's carry it already
  // (k6's remote-write names with a testid label), so its own labels are honoured.
  const job = (name: string, target: string) => ({
    job_name: name,
    static_configs: [{ targets: [target], labels: { testid: input.testId } }],
  });
  const jobs: object[] = [job('api', input.targets.api), job('billing-sim', input.targets.billing)];
  if (input.targets.runner) {
    jobs.push({
      job_name: 'load-runner',
      honor_labels: true,
      static_configs: [{ targets: [input.targets.runner] }],
    });
  }
  return `# Written by paspor-lab run --observe for run ${input.testId}.\n${stringify(
    {
      global: { scrape_interval: interval, evaluation_interval: interval },
      storage: { exemplars: { max_exemplars: 100000 } },
      rule_files: input.ruleFiles,
      scrape_configs: jobs,
    },
    { lineWidth: 0 },
  )}`;
}
