// The machine's real Prometheus (Debian's `prometheus` package) as a child process: found, started on
// a loopback port with a config file, waited for, asked over its HTTP API, stopped.
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export const INSTALL_HINT =
  'Prometheus is not installed: apt-get install -y prometheus (or set PROMETHEUS_BIN to its binary)';

/** PROMETHEUS_BIN, else `prometheus` on PATH, else Debian's /usr/bin/prometheus; null when none. */
export function findPrometheus(
  env: NodeJS.ProcessEnv = process.env,
  fallbacks: string[] = ['/usr/bin/prometheus'],
): string | null {
  const candidates = [
    env.PROMETHEUS_BIN,
    ...(env.PATH ?? '').split(delimiter).map((dir) => (dir ? join(dir, 'prometheus') : undefined)),
    ...fallbacks,
  ];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not this one
    }
  }
  return null;
}

export interface PrometheusProcess {
  url: string;
  /** The last lines Prometheus wrote (for an error message). */
  log(): string;
  query<T = unknown>(path: string, params: Record<string, string>): Promise<T>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export interface StartOptions {
  binary: string;
  configFile: string;
  dataDir: string;
  port: number;
  readyTimeoutMs?: number;
}

export async function startPrometheus(options: StartOptions): Promise<PrometheusProcess> {
  const url = `http://127.0.0.1:${options.port}`;
  const child = spawn(
    options.binary,
    [
      `--config.file=${options.configFile}`,
      `--storage.tsdb.path=${options.dataDir}`,
      `--web.listen-address=127.0.0.1:${options.port}`,
      '--enable-feature=exemplar-storage',
      '--web.enable-lifecycle',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await Promise.race([exited(child), sleep(5_000)]);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited(child);
    }
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`prometheus exited ${child.exitCode}: ${log.trim().split('\n').at(-1)}`);
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus was not ready within ${options.readyTimeoutMs ?? 30_000} ms`);
    }
    await sleep(100);
  }
  return {
    url,
    log: () => log,
    async query<T>(path: string, params: Record<string, string>): Promise<T> {
      const response = await fetch(`${url}${path}?${new URLSearchParams(params)}`);
      const answer = (await response.json()) as { status: string; error?: string; data: T };
      if (answer.status !== 'success')
        throw new Error(`prometheus ${path}: ${answer.error ?? response.status}`);
      return answer.data;
    },
    stop,
  };
}

/** Waits until Prometheus has scraped `job` at least `samples` times (its first scrapes are held back). */
export async function waitForScrapes(
  prometheus: PrometheusProcess,
  job: string,
  samples = 2,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const data = await prometheus.query<{ result: Array<{ value: [number, string] }> }>('/api/v1/query', {
      query: `count_over_time(up{job="${job}"}[1m])`,
    });
    if (Number(data.result[0]?.value[1] ?? 0) >= samples) return;
    if (Date.now() > deadline) throw new Error(`prometheus did not scrape ${job} within ${timeoutMs} ms`);
    await sleep(200);
  }
}
