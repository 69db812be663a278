// What `paspor-lab doctor` looks at: each check says whether a part is there, and if not, the one line
// that installs it. Only Node and a database are required: the main job (`paspor-lab run`, `verify`)
// runs on PGlite with nothing else; Prometheus, Chromium and k6 add --observe, PDF and --engine k6.
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { REQUIRED_MAJOR, tooOldLine } from '@paspor-lab/setup/node';
import { createScratchDatabase } from '@paspor-lab/target-api/scratch-database';
import { which } from './which.ts';

const run = promisify(execFile);

export type CheckStatus = 'ok' | 'missing' | 'failed';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  /** What was found ("v24.22.3", "/usr/bin/chromium (Chromium 156.0)") or what went wrong. */
  detail: string;
  /** The line that mends it, when it is not ok. */
  fix?: string;
  /** A required check that fails means the main job cannot run (exit 1). */
  required: boolean;
}

export interface DoctorEnv {
  path: string;
  databaseUrl: string | undefined;
  nodeVersion: string;
}

export function checkNode(version: string): CheckResult {
  const major = Number(version.replace(/^v/, '').split('.')[0]);
  return major >= REQUIRED_MAJOR
    ? { name: 'node', status: 'ok', detail: version, required: true }
    : { name: 'node', status: 'failed', detail: version, fix: tooOldLine(version), required: true };
}

export async function checkPglite(): Promise<CheckResult> {
  const started = performance.now();
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = new PGlite();
    await db.query('SELECT 1');
    await db.close();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    return {
      name: 'pglite',
      status: 'ok',
      detail: `embedded PostgreSQL loads (${seconds} s)`,
      required: true,
    };
  } catch (error) {
    return {
      name: 'pglite',
      status: 'failed',
      detail: `did not load: ${(error as Error).message}`,
      fix: 'run `npm ci` again in the checkout',
      required: true,
    };
  }
}

/** DATABASE_URL answers and its user may CREATE DATABASE (each run gets a database of its own). */
export async function checkDatabaseUrl(url: string | undefined): Promise<CheckResult> {
  if (!url) {
    return {
      name: 'postgresql',
      status: 'missing',
      detail: 'DATABASE_URL is not set: runs use the embedded PGlite',
      fix: 'for runs on PostgreSQL: export DATABASE_URL=postgres://user@127.0.0.1:5432/postgres',
      required: false,
    };
  }
  const shown = url.replace(/\/\/[^@/]*@/, '//***@');
  try {
    const scratch = await createScratchDatabase(url, 'paspor_doctor');
    await scratch.drop();
    return {
      name: 'postgresql',
      status: 'ok',
      detail: `${shown} answers; CREATE DATABASE allowed`,
      required: true,
    };
  } catch (error) {
    return {
      name: 'postgresql',
      status: 'failed',
      detail: `${shown}: ${(error as Error).message}`,
      fix: 'start PostgreSQL, give the user CREATEDB (ALTER ROLE ... CREATEDB), or unset DATABASE_URL to use PGlite',
      required: true,
    };
  }
}

interface ToolSpec {
  name: string;
  program: string;
  versionArgs: string[];
  purpose: string;
  install: string;
}

export const TOOLS: readonly ToolSpec[] = [
  {
    name: 'prometheus',
    program: 'prometheus',
    versionArgs: ['--version'],
    purpose: '--observe (alerts during a run) and the observability tests',
    install: 'apt-get install -y prometheus',
  },
  {
    name: 'promtool',
    program: 'promtool',
    versionArgs: ['--version'],
    purpose: 'the alert rule tests',
    install: 'apt-get install -y prometheus (promtool comes with it)',
  },
  {
    name: 'chromium',
    program: 'chromium',
    versionArgs: ['--version'],
    purpose: 'report.pdf and the page tests',
    install: 'apt-get install -y chromium',
  },
  {
    name: 'k6',
    program: 'k6',
    versionArgs: ['version'],
    purpose: '--engine k6 (the embedded runner needs nothing)',
    install: 'see https://grafana.com/docs/k6/latest/set-up/install-k6/',
  },
];

export async function checkTool(tool: ToolSpec, path: string): Promise<CheckResult> {
  const found = which(tool.program, path);
  if (!found) {
    return {
      name: tool.name,
      status: 'missing',
      detail: `not on PATH: needed only for ${tool.purpose}`,
      fix: tool.install,
      required: false,
    };
  }
  let version = '';
  try {
    const { stdout } = await run(found, tool.versionArgs, {
      timeout: 15_000,
      env: { ...process.env, PATH: path },
    });
    version = stdout.split('\n')[0]?.trim() ?? '';
  } catch {
    version = 'version unknown';
  }
  return {
    name: tool.name,
    status: 'ok',
    detail: `${found}${version ? ` (${version})` : ''}`,
    required: false,
  };
}

/** The ports a newcomer's commands use by default: `serve` (8080, 8081), Prometheus (9090), the live page (5665). */
export const DEFAULT_PORTS = [
  { port: 8080, use: 'paspor-lab serve (API)' },
  { port: 8081, use: 'paspor-lab serve (billing simulator)' },
  { port: 9090, use: 'Prometheus' },
  { port: 5665, use: 'the live dashboard' },
] as const;

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export async function checkPorts(): Promise<CheckResult> {
  const busy: string[] = [];
  for (const { port, use } of DEFAULT_PORTS) if (!(await portFree(port))) busy.push(`${port} (${use})`);
  const all = DEFAULT_PORTS.map((p) => p.port).join(', ');
  return busy.length === 0
    ? { name: 'ports', status: 'ok', detail: `${all} free on 127.0.0.1`, required: false }
    : {
        name: 'ports',
        status: 'missing',
        detail: `in use: ${busy.join(', ')}`,
        fix: '`paspor-lab run` picks free ports itself; for serve, pass --port and --billing-port',
        required: false,
      };
}

/** Every check at once (PGlite's start dominates; the tools answer meanwhile), in a fixed order. */
export async function runChecks(env: DoctorEnv): Promise<CheckResult[]> {
  return Promise.all([
    checkNode(env.nodeVersion),
    checkPglite(),
    checkDatabaseUrl(env.databaseUrl),
    ...TOOLS.map((tool) => checkTool(tool, env.path)),
    checkPorts(),
  ]);
}

/** The main job can run when no required check failed. */
export function canRun(results: readonly CheckResult[]): boolean {
  return results.every((r) => !r.required || r.status === 'ok');
}
