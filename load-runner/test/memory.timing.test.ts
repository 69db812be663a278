// Acceptance 7: 1,000,000 requests at full speed keep the runner's RSS under 200 MB and flat after
// warm-up. The runner runs as the CLI runs it (a child process); its RSS is read from /proc once a second.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, type FixtureServer, runK6, startServer } from './helpers.ts';

let server: FixtureServer;
beforeAll(async () => {
  server = await startServer('fast-server.ts');
});
afterAll(() => server.close());

/** The engine process: the CLI re-executes itself with tuned V8 flags, so it is the child of `pid`. */
function enginePid(pid: number): number | null {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    return children.length > 0 ? Number(children[0]) : null;
  } catch {
    return null;
  }
}

function rssMb(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

describe('memory at full speed', () => {
  it('1,000,000 requests: RSS stays under 200 MB and does not grow after warm-up', async () => {
    const samples: number[] = [];
    let timer: NodeJS.Timeout | undefined;
    const out = await runK6(
      'full-speed.ts',
      ['-e', `BASE_URL=${server.base}`, '-e', 'ITERATIONS=1000000', '-e', 'VUS=50'],
      {
        onSpawn: (child) => {
          timer = setInterval(() => {
            const engine = child.pid === undefined ? null : enginePid(child.pid);
            const rss = engine === null ? null : rssMb(engine);
            if (rss !== null) samples.push(rss);
          }, 1000);
        },
      },
    );
    clearInterval(timer);
    expect(out.code).toBe(0);
    expect(out.summary?.metrics.http_reqs?.values.count).toBe(1_000_000);
    expect(out.summary?.metrics.http_req_failed?.values.fails).toBe(1_000_000); // all expected: none failed
    expect(samples.length).toBeGreaterThan(10);
    expect(Math.max(...samples)).toBeLessThan(200);
    // flat: the peak of the last third is not above the peak of the middle third by more than 15 MB
    const third = Math.floor(samples.length / 3);
    const middle = Math.max(...samples.slice(third, 2 * third));
    const last = Math.max(...samples.slice(2 * third));
    expect(last - middle).toBeLessThan(15);
    cleanup(out);
  });
});
