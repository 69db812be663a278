// The live page's server over real HTTP on loopback (port 0): the page is self-contained (nothing to
// fetch from elsewhere, so it works offline), a page that connects late gets the newest frame at once,
// the report is served only once written, a taken port is one line and exit 2, and the k6 engine is
// refused with a pointer to k6's own dashboard.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runCommand } from '../commands/run.ts';
import { DashboardPortError, startDashboard } from '../src/dashboard/index.ts';
import { startPageServer } from '../src/dashboard/server.ts';

const bin = fileURLToPath(new URL('../bin/paspor-lab.ts', import.meta.url));
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });

/** The run command in this process, with what it writes to stderr. */
async function runHere(scenario: string, flags: Parameters<typeof runCommand>[1]) {
  const said: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    said.push(String(chunk));
    return true;
  });
  try {
    return { code: await runCommand(scenario, flags), stderr: said.join('') };
  } finally {
    spy.mockRestore();
  }
}
const scratch = mkdtempSync(join(tmpdir(), 'paspor-dashboard-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Reads the event stream until `until` matches what arrived (or the time runs out). */
async function readEvents(url: string, until: RegExp, ms = 10_000): Promise<string> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), ms);
  let text = '';
  try {
    const res = await fetch(`${url}events`, { signal: abort.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const decoder = new TextDecoder();
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      if (until.test(text)) break;
    }
  } catch (error) {
    if (!abort.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return text;
}

function frames(stream: string): Array<{ state: string; end: { report: string | null } | null }> {
  return [...stream.matchAll(/event: frame\ndata: (.*)\n\n/g)].map((m) => JSON.parse(m[1] ?? '{}'));
}

describe('the live page server', () => {
  it('serves a page with its style and script inline and no address outside itself', async () => {
    const server = await startPageServer(0);
    try {
      const res = await fetch(server.url);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain("new EventSource('/events')");
      expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
      expect(html).not.toMatch(/<link[^>]+stylesheet|<script[^>]+src=/);
    } finally {
      await server.close();
    }
  });

  it('gives a page that connects late the newest frame, and the report link once the run is judged', async () => {
    const dashboard = await startDashboard(0, 'smoke · hardened');
    try {
      dashboard.begin({ prometheusUrl: null });
      dashboard.sample('http_reqs', 1, { status: '201', step: 'book' });
      dashboard.end();
      const during = frames(await readEvents(dashboard.url, /event: frame/));
      expect(during.at(-1)?.state).toBe('running');

      const before = await fetch(`${dashboard.url}report.html`);
      expect(before.status).toBe(404);
      expect(before.headers.get('content-type')).toBe('application/problem+json');
      expect(((await before.json()) as { detail: string }).detail).toMatch(/written when the run ends/);

      const dir = mkdtempSync(join(scratch, 'run-'));
      writeFileSync(join(dir, 'report.html'), '<title>the report</title>');
      dashboard.finish({ verdict: 'PASS: every threshold and invariant holds', passed: true, dir });
      const after = frames(await readEvents(dashboard.url, /"state":"ended"/));
      expect(after.at(-1)?.end?.report).toBe('/report.html');
      const report = await fetch(`${dashboard.url}report.html`);
      expect(await report.text()).toBe('<title>the report</title>');

      const other = await fetch(`${dashboard.url}admin`);
      expect(other.status).toBe(404);
      expect(other.headers.get('content-type')).toBe('application/problem+json');
    } finally {
      await dashboard.close();
    }
  });

  it('lingers while a page is open and leaves a grace period after it closes', async () => {
    const server = await startPageServer(0);
    try {
      const abort = new AbortController();
      const res = await fetch(`${server.url}events`, { signal: abort.signal });
      await (res.body as ReadableStream).getReader().read();
      expect(server.pages()).toBe(1);
      let left = false;
      const gone = server.whenPagesClosed(200).then(() => {
        left = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(left, 'a page is still open').toBe(false);
      abort.abort();
      await gone;
      expect(server.pages()).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('says in one line that a taken port is taken', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      await expect(startPageServer(port)).rejects.toBeInstanceOf(DashboardPortError);
      const result = await runHere('smoke', { dashboard: String(port), out: join(scratch, 'taken') });
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toEqual([
        `paspor-lab run: port ${port} is in use (k6's own web dashboard uses 5665 too): pass --dashboard 0 for a free port, or another port`,
      ]);
    } finally {
      taken.close();
    }
  });
});

describe('paspor-lab run --dashboard: usage', () => {
  // A child process, so that commander's reading of the bare flag is part of it; it loads the whole CLI,
  // which on a busy machine takes tens of seconds.
  it("refuses the k6 engine with exit 2, pointing at k6's own web dashboard", { timeout: 90_000 }, () => {
    const result = cli('run', 'smoke', '--engine', 'k6', '--dashboard');
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      "paspor-lab run: --dashboard is for the embedded engine; with --engine k6 use k6's own live page: K6_WEB_DASHBOARD=true paspor-lab run ... --engine k6",
    ]);
  });

  it('refuses a port that is not one', async () => {
    const result = await runHere('smoke', { dashboard: 'fast' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^paspor-lab run: --dashboard takes an optional port .*"fast" is not one/);
  });
});
