// `k6 run` for the embedded runner: k6's flags and exit codes. Shared by `paspor-lab k6` and bin/k6.ts.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Command, Option } from 'commander';
import { run } from './engine.ts';

/**
 * V8 sizes its heap by allocation pressure, not by what is live: at full speed the default settings let
 * a run's RSS climb past 250 MB with 18 MB live. A smaller young generation and an old-space limit
 * keep RSS flat, so the command runs the engine in a child process with these flags (the library `run()`
 * uses whatever flags its host process has). The semi-space size trades CPU for RSS: at full speed
 * (1,000,000 requests) 8 MB peaked near 150 MB, 16 MB at 168 MB with ~10% less CPU per request (fewer
 * scavenges), 32 MB at 208 MB, over the 200 MB budget.
 */
const V8_FLAGS = ['--max-semi-space-size=16', '--max-old-space-size=256'];
const CHILD_MARK = 'PASPOR_RUNNER_CHILD';

function runInTunedChild(): Promise<number> {
  const bin = fileURLToPath(new URL('../bin/k6.ts', import.meta.url));
  const args = process.argv.slice(process.argv.indexOf('run'));
  const child = spawn(process.execPath, [...V8_FLAGS, bin, ...args], {
    stdio: 'inherit',
    env: { ...process.env, [CHILD_MARK]: '1' },
  });
  // Ctrl-C reaches the whole process group; a SIGINT sent to this process alone is passed on.
  const forward = (): void => {
    child.kill('SIGINT');
  };
  process.on('SIGINT', forward);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      resolve(code ?? (signal ? 128 + 2 : 1));
    });
  });
}

function keyValue(flag: string) {
  return (value: string, previous: Record<string, string> = {}): Record<string, string> => {
    const eq = value.indexOf('=');
    if (eq <= 0) {
      throw new Error(
        `${flag} expects KEY=VALUE, got "${value}" (e.g. ${flag} BASE_URL=http://127.0.0.1:3000)`,
      );
    }
    return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
  };
}

interface RunFlags {
  env?: Record<string, string>;
  tag?: Record<string, string>;
  summaryExport?: string;
  summaryJson?: string;
  timeseries?: string;
  out?: string[];
  thresholds: boolean;
  summary: boolean;
  quiet?: boolean;
  allowRemoteTarget?: boolean;
  metricsPort?: string;
  testid?: string;
}

export function registerK6Command(program: Command): Command {
  const k6 = program.command('k6').description('k6-compatible commands of the embedded runner');
  k6.command('run')
    .description(
      'run a k6 script (async style) like `k6 run`; exit codes as k6: 0, 99 thresholds, 104, 107, 108',
    )
    .argument('<script>', 'a k6 script (.ts or .js)')
    .option('-e, --env <KEY=VALUE>', 'add an environment variable to __ENV (repeatable)', keyValue('-e'))
    .option('--tag <KEY=VALUE>', 'add a tag to every sample (repeatable)', keyValue('--tag'))
    .option('--summary-export <file>', "write k6's end-of-test summary export (JSON) to a file")
    .option('--summary-json <file>', 'write the summary in the handleSummary data shape (not a k6 flag)')
    .option('--timeseries <file>', 'write one NDJSON line per second per metric and scenario (not a k6 flag)')
    .option(
      '-o, --out <output>',
      'json=FILE: write every sample as k6 JSON points',
      (v: string, p: string[] = []) => [...p, v],
    )
    .option('--no-thresholds', "don't judge thresholds")
    .option('--no-summary', "don't print the end-of-test summary")
    .option('-q, --quiet', 'no progress updates')
    .option('--allow-remote-target', 'allow load to hosts outside loopback (refused by default)')
    .addOption(
      new Option('--metrics-port <port>', 'serve live Prometheus metrics on 127.0.0.1:<port> (0 = any)'),
    )
    .option('--testid <id>', 'the testid label on live metrics')
    .action(async (script: string, flags: RunFlags) => {
      if (process.env[CHILD_MARK] !== '1') {
        process.exitCode = await runInTunedChild();
        return;
      }
      let jsonOut: string | undefined;
      for (const out of flags.out ?? []) {
        if (!out.startsWith('json=') || out.length <= 5) {
          process.stderr.write(
            `paspor-lab k6 run: unsupported output "${out}": only --out json=FILE is provided\n`,
          );
          process.exitCode = 104;
          return;
        }
        jsonOut = out.slice(5);
      }
      const controller = new AbortController();
      let interrupts = 0;
      const onSigint = (): void => {
        interrupts++;
        if (interrupts > 1) process.exit(105); // a second Ctrl-C: stop now, as k6 does
        process.stderr.write('\nstopping gracefully (press Ctrl-C again to stop now)...\n');
        controller.abort();
      };
      process.on('SIGINT', onSigint);
      try {
        const result = await run({
          script,
          env: flags.env ?? {},
          tags: flags.tag ?? {},
          ...(flags.summaryExport
            ? { summaryExport: flags.summaryExport, summaryExportFormat: 'k6-legacy' as const }
            : {}),
          ...(flags.summaryJson ? { summaryJson: flags.summaryJson } : {}),
          ...(flags.timeseries ? { timeseriesOut: flags.timeseries } : {}),
          ...(jsonOut ? { jsonOut } : {}),
          noThresholds: !flags.thresholds,
          noSummary: !flags.summary,
          noProgress: flags.quiet === true,
          allowRemoteTarget: flags.allowRemoteTarget === true,
          ...(flags.metricsPort !== undefined ? { metricsPort: Number(flags.metricsPort) } : {}),
          ...(flags.testid ? { testId: flags.testid } : {}),
          signal: controller.signal,
        });
        process.exitCode = result.exitCode;
        // Interrupted iterations may still sleep on timers k6 would have killed with their VU: leave
        // anyway once the summary is out (unref: a clean exit needs no wait).
        setTimeout(() => process.exit(result.exitCode), 200).unref();
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
  return k6;
}
