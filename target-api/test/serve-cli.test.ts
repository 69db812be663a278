// `npm run serve` as a user runs it: bad flags get one line and exit 2; a good start prints both URLs
// and the admin token, and Ctrl-C (SIGINT) stops both services and exits 0.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const serveScript = fileURLToPath(new URL('../serve.ts', import.meta.url));

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health/live`, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

describe('npm run serve', () => {
  it('refuses an unknown profile with one line that says how to mend it, exit 2', () => {
    const result = spawnSync(process.execPath, [serveScript, '--profile', 'fast'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('serve: unknown profile "fast": use legacy or hardened\n');
  });

  it('prints the URLs and the admin token, then stops both services on Ctrl-C', async () => {
    const child = spawn(process.execPath, [serveScript, '--port', '0', '--billing-port', '0'], {
      env: { ...process.env, ADMIN_TOKEN: 'cli-test-token' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not ready in time: ${stdout}`)), 90_000);
        child.stdout.on('data', () => {
          if (stdout.includes('Press Ctrl-C to stop.')) {
            clearTimeout(timer);
            resolve();
          }
        });
        void exited.then((code) => reject(new Error(`serve exited early (${code}): ${stdout}`)));
      });
      const apiUrl = /API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
      const billingUrl = /billing simulator\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
      expect(apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:[1-9][0-9]*$/);
      expect(billingUrl).toMatch(/^http:\/\/127\.0\.0\.1:[1-9][0-9]*$/);
      expect(stdout).toMatch(/admin token\s+cli-test-token\n/);
      expect(await answers(apiUrl as string)).toBe(true);
      expect(await answers(billingUrl as string)).toBe(true);

      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(await answers(apiUrl as string)).toBe(false);
      expect(await answers(billingUrl as string)).toBe(false);
    } finally {
      // On a failed assertion: SIGTERM lets serve stop its two children rather than orphan them.
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
      }
    }
  }, 120_000);
});
