// Starts the target: the billing simulator and the booking API as two child processes, wired to each
// other, and stops both together.
//
// Command:  npm run serve -- [--profile legacy|hardened] [--defects a,b] [--port 8080] [--billing-port 8081]
//
// Library (used by `paspor-lab run`, the end-to-end tests and the API benchmark):
//
//   startStack(options?: StackOptions): Promise<Stack>
//
//   interface StackOptions {
//     profile?: 'legacy' | 'hardened';      // default 'hardened'
//     defects?: readonly DefectId[];        // replaces the profile's defect set (--defects)
//     port?: number;                        // API port, default 8080; 0 picks a free port
//     billingPort?: number;                 // simulator port, default 8081; 0 picks a free port
//     host?: string;                        // default '127.0.0.1'
//     adminToken?: string;                  // default env ADMIN_TOKEN, else generated
//     noticeSecret?: string;                // default env NOTICE_SECRET, else generated
//     databaseUrl?: string;                 // default env DATABASE_URL; unset = PGlite in memory
//     clockSpeed?: number;                  // default env CLOCK_SPEED, else 1
//     env?: Record<string, string>;         // more environment for both processes (LOG_LEVEL, ...)
//     output?: 'inherit' | 'ignore' | { file: string }; // the children's logs; default 'ignore'
//     readyTimeoutMs?: number;              // default 60000
//   }
//
//   interface Stack {
//     apiUrl: string;                       // e.g. http://127.0.0.1:8080
//     billingUrl: string;                   // e.g. http://127.0.0.1:8081
//     adminToken: string;                   // for both services' /admin routes
//     exited: Promise<ServiceExit>;         // settles when a process ends without stop() being called
//     stop(): Promise<void>;                // SIGTERM both, SIGKILL after 10 s; idempotent
//     restartApi(signal?: NodeJS.Signals): Promise<void>; // kill the API (default SIGKILL), start it
//                                           // again with the same settings, wait until ready
//     pids(): { api: number; billingSim: number };
//   }
//
// A restarted API keeps its data only on PostgreSQL (databaseUrl) or a PGlite data folder
// (env.PGLITE_DATA_DIR); the default in-memory PGlite starts empty again.
//
// startStack rejects with StackStartError (its message names the process and quotes its last output)
// when a process exits or is not ready within readyTimeoutMs; nothing is left running then.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  activeDefects,
  type DefectId,
  type Profile,
  parseDefectList,
  parseProfile,
} from './api/src/defects.ts';

export type ServiceName = 'api' | 'billing-sim';

export interface StackOptions {
  profile?: Profile;
  defects?: readonly DefectId[];
  port?: number;
  billingPort?: number;
  host?: string;
  adminToken?: string;
  noticeSecret?: string;
  databaseUrl?: string;
  clockSpeed?: number;
  env?: Record<string, string>;
  output?: 'inherit' | 'ignore' | { file: string };
  readyTimeoutMs?: number;
}

export interface ServiceExit {
  service: ServiceName;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines the process wrote to stderr (and stdout), for a one-line diagnosis. */
  lastOutput: string;
}

export interface Stack {
  apiUrl: string;
  billingUrl: string;
  adminToken: string;
  exited: Promise<ServiceExit>;
  stop(): Promise<void>;
  restartApi(signal?: NodeJS.Signals): Promise<void>;
  pids(): { api: number; billingSim: number };
}

export class StackStartError extends Error {
  readonly code = 'ERR_STACK_START';
  constructor(message: string) {
    super(message);
    this.name = 'StackStartError';
  }
}

export class ServeUsageError extends Error {
  readonly code = 'ERR_SERVE_USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'ServeUsageError';
  }
}

const ENTRIES: Record<ServiceName, string> = {
  api: fileURLToPath(new URL('./api/src/main.ts', import.meta.url)),
  'billing-sim': fileURLToPath(new URL('./billing-sim/src/main.ts', import.meta.url)),
};
const LABELS: Record<ServiceName, string> = { api: 'API', 'billing-sim': 'billing simulator' };
const STOP_GRACE_MS = 10_000;

/** A port free on `host` right now (the OS picks it; the caller binds it soon after). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string')
    throw new StackStartError('could not find a free port');
  return address.port;
}

/** One child process, with the tail of its output kept for error messages. */
class Service {
  readonly name: ServiceName;
  readonly child: ChildProcess;
  readonly ended: Promise<ServiceExit>;
  #tail: string[] = [];

  constructor(
    name: ServiceName,
    args: string[],
    env: NodeJS.ProcessEnv,
    sink: 'inherit' | 'ignore' | WriteStream,
  ) {
    this.name = name;
    // Same process group as the caller: a terminal's Ctrl-C reaches the children too, so they stop
    // even when the caller has no signal handler; `killOrphans` covers a caller that exits first.
    this.child = spawn(process.execPath, [ENTRIES[name], ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream?.on('data', (chunk: Buffer) => {
        this.#remember(chunk);
        if (sink === 'inherit') (stream === this.child.stdout ? process.stdout : process.stderr).write(chunk);
        else if (sink !== 'ignore') sink.write(chunk);
      });
    }
    this.ended = new Promise((resolve) => {
      this.child.once('exit', (code, signal) =>
        resolve({ service: name, code, signal, lastOutput: this.lastOutput() }),
      );
    });
    live.add(this.child);
    void this.ended.then(() => live.delete(this.child));
  }

  #remember(chunk: Buffer): void {
    const lines = chunk.toString('utf8').split('\n').filter(Boolean);
    this.#tail.push(...lines);
    if (this.#tail.length > 20) this.#tail = this.#tail.slice(-20);
  }

  lastOutput(): string {
    // A pino line is JSON: its msg (and err message) says more than the whole object.
    const describe = (line: string): string => {
      try {
        const entry = JSON.parse(line) as { msg?: string; err?: { message?: string } };
        return [entry.msg, entry.err?.message].filter(Boolean).join(': ') || line;
      } catch {
        return line;
      }
    };
    return this.#tail.slice(-3).map(describe).join(' | ');
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.ended;
    clearTimeout(timer);
  }
}

const live = new Set<ChildProcess>();
let orphanGuard = false;
function killOrphans(): void {
  for (const child of live) child.kill('SIGKILL');
}

function exitedBeforeReady(exit: ServiceExit): string {
  const how = exit.signal ?? `code ${exit.code}`;
  return `the ${LABELS[exit.service]} exited (${how}) before it was ready: ${exit.lastOutput || 'no output'}`;
}

async function waitReady(url: string, service: Service, deadline: number): Promise<void> {
  for (;;) {
    if (!service.running) throw new StackStartError(exitedBeforeReady(await service.ended));
    try {
      const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      throw new StackStartError(
        `the ${LABELS[service.name]} was not ready at ${url}/health/ready in time: ${service.lastOutput() || 'no output'}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port === 0 ? await freePort(host) : (options.port ?? 8080);
  const billingPort = options.billingPort === 0 ? await freePort(host) : (options.billingPort ?? 8081);
  const apiUrl = `http://${host}:${port}`;
  const billingUrl = `http://${host}:${billingPort}`;
  const adminToken = options.adminToken ?? (process.env.ADMIN_TOKEN || randomBytes(18).toString('base64url'));
  const noticeSecret = options.noticeSecret ?? (process.env.NOTICE_SECRET || randomBytes(24).toString('hex'));
  const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
  const clockSpeed = options.clockSpeed ?? (process.env.CLOCK_SPEED ? Number(process.env.CLOCK_SPEED) : 1);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.env,
    HOST: host,
    ADMIN_TOKEN: adminToken,
    NOTICE_SECRET: noticeSecret,
    // Fixed for the life of the stack, so tokens issued before restartApi() stay valid after it.
    TOKEN_SECRET: process.env.TOKEN_SECRET || randomBytes(32).toString('hex'),
    CLOCK_SPEED: String(clockSpeed),
    // Both processes compute simulated time from the same real epoch, so they agree on it.
    CLOCK_EPOCH: String(Date.now()),
    API_URL: apiUrl,
    BILLING_URL: billingUrl,
  };
  // Each gets its port and profile as flags; the options, not stray variables, decide them.
  delete env.PORT;
  delete env.PROFILE;
  delete env.DEFECTS;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  else delete env.DATABASE_URL;

  const output = options.output ?? 'ignore';
  const sink = typeof output === 'object' ? createWriteStream(output.file, { flags: 'a' }) : output;
  if (!orphanGuard) {
    orphanGuard = true;
    process.once('exit', killOrphans);
  }

  const apiArgs = ['--port', String(port), '--profile', options.profile ?? 'hardened'];
  if (options.defects !== undefined) apiArgs.push('--defects', options.defects.join(','));
  const billing = new Service('billing-sim', ['--port', String(billingPort)], env, sink);
  let api = new Service('api', apiArgs, env, sink);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // The API first, so it stops calling billing; then the simulator, which may still hold notices.
      await api.stop();
      await billing.stop();
      if (typeof sink === 'object') await new Promise((resolve) => sink.end(resolve));
    })();
    return stopping;
  };

  let firstDeath: ServiceExit | undefined;
  let reportExit: (exit: ServiceExit) => void = () => {};
  const exited = new Promise<ServiceExit>((resolve) => {
    reportExit = resolve;
  });
  // A process killed on purpose by restartApi is not a death to report.
  const restarting = new Set<Service>();
  const watch = (service: Service) => {
    void service.ended.then((exit) => {
      if (stopping || restarting.has(service)) return;
      firstDeath = exit;
      void stop();
      reportExit(exit);
    });
  };
  watch(billing);
  watch(api);

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  try {
    await Promise.all([waitReady(billingUrl, billing, deadline), waitReady(apiUrl, api, deadline)]);
  } catch (error) {
    await stop();
    // Name the process that died first, not the one stopped because of it.
    if (firstDeath) throw new StackStartError(exitedBeforeReady(firstDeath));
    throw error;
  }

  const restartApi = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    const old = api;
    restarting.add(old);
    old.child.kill(signal);
    await old.ended;
    api = new Service('api', apiArgs, env, sink);
    watch(api);
    try {
      await waitReady(apiUrl, api, Date.now() + (options.readyTimeoutMs ?? 60_000));
    } catch (error) {
      await stop();
      throw error;
    }
  };

  return {
    apiUrl,
    billingUrl,
    adminToken,
    exited,
    stop,
    restartApi,
    pids: () => ({ api: api.child.pid ?? -1, billingSim: billing.child.pid ?? -1 }),
  };
}

// ---------------------------------------------------------------------------------------------------
// The command line: parsing, validation and the foreground process.

export interface ServeFlags {
  profile?: string;
  defects?: string;
  port?: string;
  billingPort?: string;
}

function portFlag(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
    throw new ServeUsageError(
      `${flag} "${value}" is not a port number; use a whole number 0-65535, e.g. ${flag} ${fallback}`,
    );
  }
  return Number(value);
}

/** Validates flags (as strings, from parseArgs or commander) into StackOptions. */
export function serveOptionsFrom(flags: ServeFlags): StackOptions {
  const options: StackOptions = {
    port: portFlag(flags.port, '--port', 8080),
    billingPort: portFlag(flags.billingPort, '--billing-port', 8081),
  };
  try {
    options.profile = parseProfile(flags.profile ?? 'hardened');
    if (flags.defects !== undefined) options.defects = parseDefectList(flags.defects);
  } catch (error) {
    throw new ServeUsageError(error instanceof Error ? error.message : String(error));
  }
  if (options.port === options.billingPort && options.port !== 0) {
    throw new ServeUsageError(
      `--port and --billing-port are both ${options.port}; give them different ports`,
    );
  }
  return options;
}

export function parseServeArgs(argv: readonly string[]): StackOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        profile: { type: 'string' },
        defects: { type: 'string' },
        port: { type: 'string' },
        'billing-port': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ServeUsageError(
      `${message}; usage: serve [--profile legacy|hardened] [--defects a,b] [--port 8080] [--billing-port 8081]`,
    );
  }
  const text = (key: string) => {
    const value = values[key];
    return typeof value === 'string' ? value : undefined;
  };
  return serveOptionsFrom({
    profile: text('profile'),
    defects: text('defects'),
    port: text('port'),
    billingPort: text('billing-port'),
  });
}

/**
 * Runs the stack in the foreground until Ctrl-C / SIGTERM (exit 0) or until one process dies (the
 * other is stopped; exit 1). Logs of both processes go to this terminal.
 */
export async function serveForeground(options: StackOptions, name = 'serve'): Promise<number> {
  const generated = !process.env.ADMIN_TOKEN && !options.adminToken;
  const say = (line: string) => process.stdout.write(`${line}\n`);
  let stack: Stack;
  try {
    stack = await startStack({
      output: 'inherit',
      ...options,
      env: { LOG_LEVEL: process.env.LOG_LEVEL || 'warn', ...options.env },
    });
  } catch (error) {
    process.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const profile = options.profile ?? 'hardened';
  const defects = [...activeDefects(profile, options.defects)].join(',') || 'none';
  say(`${name}: ready (profile ${profile}, defects ${defects})`);
  say(`  API                ${stack.apiUrl}  (OpenAPI ${stack.apiUrl}/docs)`);
  say(`  billing simulator  ${stack.billingUrl}`);
  say(
    `  admin token        ${stack.adminToken}${generated ? '  (generated; set ADMIN_TOKEN to choose one)' : ''}`,
  );
  say('Press Ctrl-C to stop.');

  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
    // A closed terminal would otherwise end this process at once, before it could stop the children.
    process.once('SIGHUP', () => resolve('SIGHUP'));
  });
  const outcome = await Promise.race([signalled, stack.exited]);
  if (typeof outcome === 'string') {
    say(`${name}: ${outcome} received, stopping both processes`);
    await stack.stop();
    return 0;
  }
  await stack.stop();
  const other = outcome.service === 'api' ? LABELS['billing-sim'] : LABELS.api;
  process.stderr.write(
    `${name}: the ${LABELS[outcome.service]} exited (${outcome.signal ?? `code ${outcome.code}`}); stopped the ${other}. Last output: ${outcome.lastOutput || 'none'}\n`,
  );
  return 1;
}

if (import.meta.main) {
  let options: StackOptions;
  try {
    options = parseServeArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`serve: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
  process.exitCode = await serveForeground(options);
}
