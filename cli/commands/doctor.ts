// paspor-lab doctor: what this machine has for Paspor Lab, one line per part, with the install line
// for what is missing. Exit 0 when the main job can run (Node 24 and a database), 1 when it cannot.
import { styleText } from 'node:util';
import type { Command } from 'commander';
import { type CheckResult, canRun, runChecks } from '../src/doctor/checks.ts';
import { withExitCodes } from '../src/help.ts';

const MARK: Record<CheckResult['status'], { sign: string; color: 'green' | 'yellow' | 'red' }> = {
  ok: { sign: 'ok  ', color: 'green' },
  missing: { sign: '--  ', color: 'yellow' },
  failed: { sign: 'FAIL', color: 'red' },
};

export function formatCheck(result: CheckResult): string {
  const mark = MARK[result.status];
  const line = `${styleText(mark.color, mark.sign)} ${result.name.padEnd(11)} ${result.detail}`;
  return result.fix ? `${line}\n${' '.repeat(17)}${styleText('dim', `-> ${result.fix}`)}` : line;
}

export function registerDoctor(program: Command): void {
  const command = program
    .command('doctor')
    .description('check Node, the databases, Prometheus, promtool, Chromium, k6 and the default ports')
    .action(async () => {
      const results = await runChecks({
        path: process.env.PATH ?? '',
        databaseUrl: process.env.DATABASE_URL || undefined,
        nodeVersion: process.version,
      });
      process.stdout.write(`${results.map(formatCheck).join('\n')}\n`);
      const ready = canRun(results);
      process.stdout.write(
        ready
          ? 'the main job can run: paspor-lab run <scenario>, paspor-lab verify <scenario>, npm start\n'
          : 'the main job cannot run: mend the FAIL lines above\n',
      );
      process.exitCode = ready ? 0 : 1;
    });
  withExitCodes(command, {
    0: 'the main job can run (optional parts may be missing)',
    1: 'a required part failed',
    2: 'bad usage: an unknown option',
  });
}
