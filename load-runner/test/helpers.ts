// Helpers for the end-to-end tests: the fixture server and the runner, each a real child process.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SummaryData } from '../src/summary/build.ts';

const here = new URL('.', import.meta.url).pathname;
export const fixture = (name: string): string => join(here, 'fixtures', name);
const bin = join(here, '..', 'bin', 'k6.ts');

/**
 * Measuring processes (the runner, the target) get a higher CPU priority: on a 2-core machine shared
 * with other work, a starved process adds its run-queue wait to every latency it measures or serves.
 * Best effort (needs the right to raise priority); children inherit it.
 */
function prioritise(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    setPriority(pid, -10);
  } catch {
    // not permitted here: the measurements carry the machine's noise
  }
}

export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  /** From the fixture server: epoch ms of the client's first and last /delay arrival. */
  from?: number;
  to?: number;
}

export interface FixtureServer {
  base: string;
  count(): Promise<number>;
  marks(): Promise<string[]>;
  /** What the server really held /delay answers for one client (`by`, default "runner"). */
  holds(by?: string): Promise<Percentiles>;
  close(): Promise<void>;
}

/** The fixture server (server.ts), or the raw-TCP fast endpoint (fast-server.ts). */
export async function startServer(script = 'server.ts'): Promise<FixtureServer> {
  const child = spawn(process.execPath, [fixture(script)], { stdio: ['ignore', 'pipe', 'inherit'] });
  prioritise(child.pid);
  const port = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.stdout?.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    count: async () => Number(await (await fetch(`${base}/count`)).text()),
    marks: async () => (await (await fetch(`${base}/marks`)).json()) as string[],
    holds: async (by = 'runner') => (await (await fetch(`${base}/holds?by=${by}`)).json()) as Percentiles,
    close: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface RunnerOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
  summary: SummaryData | null;
  dir: string;
}

/** Runs `k6 run <script>` in a child process; the summary is read from a handleSummary-shaped export. */
export function runK6(
  script: string,
  args: string[] = [],
  opts: { env?: Record<string, string>; onSpawn?: (child: ChildProcess) => void } = {},
): Promise<RunnerOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'runner-test-'));
  const summaryFile = join(dir, 'summary.json');
  const child = spawn(
    process.execPath,
    [bin, 'run', fixture(script), '--quiet', '--summary-json', summaryFile, ...args],
    {
      env: { ...process.env, ...opts.env, RUNNER_TEST_DIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  prioritise(child.pid);
  opts.onSpawn?.(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return new Promise((resolve) => {
    child.on('close', (code) => {
      let summary: SummaryData | null = null;
      try {
        summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as SummaryData;
      } catch {
        summary = null;
      }
      resolve({ code, stdout, stderr, summary, dir });
    });
  });
}

export function cleanup(outcome: RunnerOutcome): void {
  rmSync(outcome.dir, { recursive: true, force: true });
}

/** The reference client (fixtures/reference-client.ts), running until `stop()`. */
export interface ReferenceClient {
  /** Ends it (after the requests in flight) and returns its samples: [start epoch ms, duration ms]. */
  stop(): Promise<Array<[number, number]>>;
}

/**
 * Starts the reference client against `url` with the runner's priority and resolves once it is booted,
 * connected and has had its first answers: its own start-up (a Node process booting takes a core for
 * 100-300 ms here) lands before the runner starts, not inside the runner's measured window.
 */
export async function startReference(url: string, connections: number): Promise<ReferenceClient> {
  const child = spawn(process.execPath, [fixture('reference-client.ts'), url, String(connections)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  prioritise(child.pid);
  let stdout = '';
  const closed = once(child, 'close') as Promise<[number | null]>;
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (stdout.startsWith('ready\n')) resolve();
    });
    void closed.then(([code]) => reject(new Error(`the reference client exited early with ${code}`)));
  });
  return {
    async stop() {
      child.stdin?.end();
      const [code] = await closed;
      if (code !== 0) throw new Error(`the reference client exited with ${code}`);
      return (JSON.parse(stdout.slice('ready\n'.length)) as { samples: Array<[number, number]> }).samples;
    },
  };
}

/** p50 and p95 as the fixture server and the reference client compute them (nearest rank). */
export function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? 0;
  return { count: sorted.length, p50: at(0.5), p95: at(0.95) };
}

/**
 * Sends SIGINT `afterMs` after the run's first request reached the server: a fixed delay from spawn
 * raced the runner's boot (several seconds on a loaded machine), before its SIGINT handler existed.
 */
export function interruptWhenRunning(server: FixtureServer, child: ChildProcess, afterMs: number): void {
  void (async () => {
    const before = await server.count();
    while ((await server.count()) === before && child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    setTimeout(() => child.kill('SIGINT'), afterMs);
  })();
}
