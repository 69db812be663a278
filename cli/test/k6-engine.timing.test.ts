// `paspor-lab run --engine k6` calls the k6 binary on PATH with the scenario unchanged and folds its
// outputs into the same run folder. k6 is not installed here, so a stand-in binary (fixtures/
// k6-stand-in.ts, a test double that runs the script on the embedded runner) takes its place; where a
// real k6 is on PATH, the test uses it.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/paspor-lab.ts', import.meta.url));
const standIn = fileURLToPath(new URL('./fixtures/k6-stand-in.ts', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'paspor-k6-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const realK6 = spawnSync('k6', ['version'], { encoding: 'utf8' }).status === 0;

function pathWithK6(): string {
  if (realK6) return process.env.PATH ?? '';
  const dir = join(scratch, 'bin');
  spawnSync('mkdir', ['-p', dir]);
  const shim = join(dir, 'k6');
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${standIn}" "$@"\n`);
  chmodSync(shim, 0o755);
  return `${dir}${delimiter}${process.env.PATH ?? ''}`;
}

describe('paspor-lab run --engine k6', () => {
  it('runs the scenario through the k6 binary and writes the same run folder', async () => {
    const out = join(scratch, 'smoke');
    const child = spawn(process.execPath, [bin, 'run', 'smoke', '--short', '--engine', 'k6', '--out', out], {
      env: { ...process.env, PATH: pathWithK6() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      output += c.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, output).toBe(0);

    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(run.engine).toBe('k6');
    expect(run.versions.engine).toMatch(/^k6 v/);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.metrics.checks.values.rate).toBe(1);
    expect(summary.root_group).toMatchObject({ name: '', path: '' });
    const series = readFileSync(join(out, 'timeseries.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const requests = series.filter((l) => l.metric === 'http_reqs' && l.scenario === null);
    expect(requests.reduce((sum, l) => sum + l.count, 0)).toBe(summary.metrics.http_reqs.values.count);
    expect(series.some((l) => l.metric === 'http_req_duration' && typeof l.p95 === 'number')).toBe(true);
    // The raw points and the entry file are folded away.
    expect(existsSync(join(out, 'k6-points.json'))).toBe(false);
    expect(existsSync(join(out, 'k6-entry.ts'))).toBe(false);
  }, 120_000);
});
