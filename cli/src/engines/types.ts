// What the run command needs from a load engine: run one script against the target and leave
// summary.json and timeseries.ndjson in the run folder.

export interface Progress {
  scenario: string;
  elapsedMs: number;
  totalMs: number | null;
  vus: number;
  iterations: number;
  ratePerSec: number;
  failures: number;
}

export interface EngineRequest {
  script: string;
  env: Record<string, string>;
  runDir: string;
  testId: string;
  /** The user passed --allow-remote-target: the engine may load a host outside loopback. */
  allowRemoteTarget?: boolean;
  /** Serve the runner's live Prometheus metrics on this loopback port (embedded engine). */
  metricsPort?: number;
  onProgress?: (p: Progress) => void;
  /** Every sample of the run, by metric name (the live page; embedded engine). */
  onSample?: (metric: string, value: number, tags: Readonly<Record<string, string>>) => void;
  signal?: AbortSignal;
}

export interface EngineResult {
  exitCode: number;
  /** The k6 handleSummary data shape, or null when the engine wrote none. */
  summary: unknown;
  version: string;
  metricsUrl?: string;
  /** The engine's one-line reason when the run did not end normally. */
  error?: string;
}

export class EngineError extends Error {
  readonly code = 'ERR_ENGINE';
  constructor(message: string) {
    super(message);
    this.name = 'EngineError';
  }
}
