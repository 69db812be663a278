// paspor-lab doctor on this machine: what it finds, what it says is missing and how to install it, and
// the exit code that tells whether the main job can run.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/paspor-lab.mjs', import.meta.url));

function doctor(env: Record<string, string>): Promise<{ status: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'doctor'], { env: { ...process.env, ...env } });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout }));
  });
}

const line = (out: string, name: string) => out.split('\n').find((l) => l.split(/\s+/)[1] === name) ?? '';

// Each call starts PGlite (about 4.5 s on a quiet machine, five times that on a busy one).
describe('paspor-lab doctor', { timeout: 120_000 }, () => {
  it('finds Node, PGlite and the Debian tools that .ci/run installs, and says the main job can run', async () => {
    const { status, stdout } = await doctor({ DATABASE_URL: '' });
    expect(status).toBe(0);
    expect(line(stdout, 'node')).toMatch(/^ok\s+node\s+v2[4-9]\./);
    expect(line(stdout, 'pglite')).toMatch(/^ok\s+pglite\s+embedded PostgreSQL loads/);
    for (const tool of ['prometheus', 'promtool', 'chromium']) {
      expect(line(stdout, tool), tool).toMatch(new RegExp(`^ok\\s+${tool}\\s+/\\S+/${tool}`));
    }
    expect(stdout).toMatch(/the main job can run/);
  });

  it('with Chromium and Prometheus absent from PATH, names each with its install line and still exits 0', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'doctor-path-'));
    const { status, stdout } = await doctor({ PATH: empty, DATABASE_URL: '' });
    expect(status).toBe(0);
    const lines = stdout.split('\n');
    for (const [tool, install] of [
      ['chromium', 'apt-get install -y chromium'],
      ['prometheus', 'apt-get install -y prometheus'],
      ['promtool', 'apt-get install -y prometheus'],
      ['k6', 'https://grafana.com/docs/k6/latest/set-up/install-k6/'],
    ] as const) {
      const at = lines.findIndex((l) => l.split(/\s+/)[1] === tool);
      expect(lines[at], tool).toMatch(new RegExp(`^--\\s+${tool}\\s+not on PATH`));
      expect(lines[at + 1], tool).toContain(install);
    }
    expect(stdout).toMatch(/the main job can run/);
  });

  it('exits 1 with a FAIL line when DATABASE_URL is set but answers nothing', async () => {
    const { status, stdout } = await doctor({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(status).toBe(1);
    expect(line(stdout, 'postgresql')).toMatch(
      /^FAIL\s+postgresql\s+postgres:\/\/\*\*\*@127\.0\.0\.1:1\/none/,
    );
    expect(stdout).toMatch(/the main job cannot run/);
  });

  it('checks that DATABASE_URL may create a database when it is set', async () => {
    const url = process.env.PASPOR_TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
    const { status, stdout } = await doctor({ DATABASE_URL: url });
    expect(line(stdout, 'postgresql')).toMatch(/^ok\s+postgresql\s+.*CREATE DATABASE allowed/);
    expect(status).toBe(0);
  });
});
