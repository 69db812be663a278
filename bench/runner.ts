// `npm run bench:runner`: the embedded runner against autocannon, wrk and Artillery, in one run, on one
// local endpoint (a minimal node:http server in its own process), same connection count, no pipelining.
// Artillery 2 is installed by this script into ~/.cache/paspor-lab/bench-artillery (npm, --ignore-scripts;
// HTTP needs no browser); its virtual users each loop GET requests until the deadline.
// Prints requests/s and CPU seconds per 10,000 requests of each generator (from /proc/<pid>/stat:
// on 2 cores the server may be the bottleneck, so CPU per request is the fairer figure).
//   BENCH_CONNECTIONS (50), BENCH_SECONDS (10)
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const connections = Number(process.env.BENCH_CONNECTIONS ?? '50');
const seconds = Number(process.env.BENCH_SECONDS ?? '10');
const root = fileURLToPath(new URL('..', import.meta.url));
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

const SERVER = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 11 });
  res.end('hello world');
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
process.on('SIGTERM', () => process.exit(0));
`;

/** utime + stime of a process (all its threads), in seconds; null once it is gone. */
function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Samples a child's CPU every 50 ms; the last sample before it exits is its total (<= 50 ms short). */
function watchCpu(child: ChildProcess): () => number {
  let last = 0;
  const timer = setInterval(() => {
    const now = child.pid === undefined ? null : cpuSeconds(child.pid);
    if (now !== null) last = now;
  }, 50);
  return () => {
    clearInterval(timer);
    return last;
  };
}

function collect(child: ChildProcess): Promise<{ stdout: string; stderr: string; code: number | null }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ stdout, stderr, code })));
}

interface Result {
  name: string;
  requests: number;
  rps: number;
  cpu: number;
  note?: string;
}

async function measure(
  name: string,
  command: string,
  args: string[],
  parse: (out: string) => number,
  env = {},
): Promise<Result> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const stop = watchCpu(child);
  const out = await collect(child);
  const cpu = stop();
  if (out.code !== 0) throw new Error(`${name} failed (${out.code}): ${out.stderr.slice(0, 500)}`);
  const requests = parse(out.stdout);
  return { name, requests, rps: requests / seconds, cpu };
}

const ARTILLERY_DIR = join(homedir(), '.cache/paspor-lab/bench-artillery');
const ARTILLERY_BIN = join(ARTILLERY_DIR, 'node_modules/artillery/bin/run');

/** Installs Artillery 2 into the cache once (an npm install with --ignore-scripts). */
function ensureArtillery(): boolean {
  if (existsSync(ARTILLERY_BIN)) return true;
  mkdirSync(ARTILLERY_DIR, { recursive: true });
  if (!existsSync(join(ARTILLERY_DIR, 'package.json')))
    writeFileSync(join(ARTILLERY_DIR, 'package.json'), '{"private":true}\n');
  console.log(`installing artillery@2 into ${ARTILLERY_DIR} ...`);
  const npm = spawnSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', 'artillery@2'], {
    cwd: ARTILLERY_DIR,
    stdio: 'inherit',
  });
  return npm.status === 0 && existsSync(ARTILLERY_BIN);
}

/** An Artillery script: `connections` virtual users arrive at once and loop GET /hello until the deadline. */
function artilleryScript(dir: string, port: string): string {
  const processor = join(dir, 'artillery-processor.cjs');
  writeFileSync(
    processor,
    `const deadline = Date.now() + ${seconds * 1000};\nmodule.exports = { untilDeadline(context, next) { next(Date.now() < deadline); } };\n`,
  );
  const script = join(dir, 'artillery.json');
  writeFileSync(
    script,
    JSON.stringify({
      config: {
        target: `http://127.0.0.1:${port}`,
        phases: [{ duration: 1, arrivalCount: connections }],
        processor,
        http: { pool: connections },
      },
      scenarios: [{ flow: [{ loop: [{ get: { url: '/hello' } }], whileTrue: 'untilDeadline' }] }],
    }),
  );
  return script;
}

async function main(): Promise<void> {
  const server = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) =>
    server.stdout?.once('data', (c: Buffer) => resolve(c.toString().trim())),
  );
  const url = `http://127.0.0.1:${port}/hello`;
  const dir = mkdtempSync(join(tmpdir(), 'bench-runner-'));
  const results: Result[] = [];
  const serverCpu: Record<string, number> = {};
  const run = async (name: string, work: () => Promise<Result>): Promise<void> => {
    const before = server.pid === undefined ? 0 : (cpuSeconds(server.pid) ?? 0);
    const result = await work();
    serverCpu[name] = (server.pid === undefined ? 0 : (cpuSeconds(server.pid) ?? 0)) - before;
    results.push(result);
    await new Promise((r) => setTimeout(r, 1000)); // let connections close between generators
  };
  try {
    // Warm the server's JIT so the first generator is not penalised.
    await measure(
      'warm-up',
      process.execPath,
      [join(root, 'node_modules/autocannon/autocannon.js'), '-c', String(connections), '-d', '2', '-j', url],
      () => 0,
    );

    await run('paspor-lab runner', () => {
      const summary = join(dir, 'summary.json');
      // The same V8 flags the CLI re-executes itself with (PASPOR_RUNNER_CHILD skips the re-exec, so the
      // CPU read here is the engine's own).
      return measure(
        'paspor-lab runner',
        process.execPath,
        [
          '--max-semi-space-size=16',
          '--max-old-space-size=256',
          join(root, 'load-runner/bin/k6.ts'),
          'run',
          join(root, 'load-runner/test/fixtures/full-speed.ts'),
          '--quiet',
          '--no-summary',
          '--summary-json',
          summary,
          '-e',
          `BASE_URL=http://127.0.0.1:${port}`,
          '-e',
          `VUS=${connections}`,
          '-e',
          `DURATION=${seconds}s`,
        ],
        () =>
          (
            JSON.parse(readFileSync(summary, 'utf8')) as {
              metrics: { http_reqs: { values: { count: number } } };
            }
          ).metrics.http_reqs.values.count,
        { PASPOR_RUNNER_CHILD: '1' },
      );
    });

    await run('autocannon', () =>
      measure(
        'autocannon',
        process.execPath,
        [
          join(root, 'node_modules/autocannon/autocannon.js'),
          '-c',
          String(connections),
          '-p',
          '1',
          '-d',
          String(seconds),
          '-j',
          url,
        ],
        (out) => (JSON.parse(out) as { requests: { total: number } }).requests.total,
      ),
    );

    if (spawnSync('wrk', ['--version']).error) {
      console.log('wrk: not installed (apt-get install -y wrk); skipped');
    } else {
      await run('wrk', () =>
        measure('wrk', 'wrk', ['-t2', `-c${connections}`, `-d${seconds}s`, url], (out) => {
          const match = /(\d+) requests in/.exec(out);
          return match ? Number(match[1]) : 0;
        }),
      );
    }

    if (!ensureArtillery()) {
      console.log('artillery: could not be installed; skipped');
    } else {
      const report = join(dir, 'artillery-report.json');
      const script = artilleryScript(dir, port);
      await run('artillery', () =>
        measure(
          'artillery',
          process.execPath,
          [ARTILLERY_BIN, 'run', '--quiet', '--output', report, script],
          () =>
            (JSON.parse(readFileSync(report, 'utf8')) as { aggregate: { counters: Record<string, number> } })
              .aggregate.counters['http.requests'] ?? 0,
          { ARTILLERY_DISABLE_TELEMETRY: 'true' },
        ),
      );
    }
  } finally {
    server.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }

  const baseline = results.find((r) => r.name === 'autocannon');
  console.log(
    `\nbench:runner — one node:http endpoint, ${connections} connections, no pipelining, ${seconds} s each, ${process.version}\n`,
  );
  console.log(
    '| generator | requests | requests/s | vs autocannon | CPU s / 10k req | CPU vs autocannon | server CPU s / 10k req |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    const cpuPer10k = (r.cpu / r.requests) * 10_000;
    const baseCpu = baseline ? (baseline.cpu / baseline.requests) * 10_000 : Number.NaN;
    const serverPer10k = ((serverCpu[r.name] ?? 0) / r.requests) * 10_000;
    console.log(
      `| ${r.name} | ${r.requests} | ${r.rps.toFixed(0)} | ${baseline ? (r.rps / baseline.rps).toFixed(2) : '-'}x | ${cpuPer10k.toFixed(3)} | ${(baseCpu / cpuPer10k).toFixed(2)}x | ${serverPer10k.toFixed(3)} |`,
    );
  }
  console.log('\n("CPU vs autocannon" > 1 means the generator needs less CPU per request than autocannon.)');
}

await main();
