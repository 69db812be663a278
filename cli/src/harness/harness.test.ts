// The harness's control route and fault recorder, over real HTTP: the route served on loopback with its
// token, the recorder reading a real billing simulator's fault history. The stack behind the route is a
// stand-in that only notes the call: restarting the real one is proved by target-api/test/stack.test.ts
// and, end to end, by the crash-recovery scenario (cli/test/scenarios.timing.test.ts).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFaults } from '@paspor-lab/reports/faults';
import { buildBillingSim, simConfig } from '@paspor-lab/target-api/billing-sim';
import { afterAll, describe, expect, it } from 'vitest';
import { startControl } from './control.ts';
import { FaultRecorder } from './fault-recorder.ts';

const scratch = mkdtempSync(join(tmpdir(), 'paspor-harness-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the control route', () => {
  it('restarts the stack only with its token, and answers the restart with its gap', async () => {
    const signals: string[] = [];
    const recorded: string[] = [];
    const control = await startControl({
      stack: {
        restartApi: async (signal) => {
          signals.push(signal);
          await new Promise((resolve) => setTimeout(resolve, 50));
        },
      },
      beforeRestart: async () => {
        recorded.push('history read before the kill');
      },
    });
    try {
      const post = (headers: Record<string, string>, body: string) =>
        fetch(`${control.url}/restart-api`, { method: 'POST', headers, body });
      const anonymous = await post({}, '{}');
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('content-type')).toBe('application/problem+json');
      const auth = { authorization: `Bearer ${control.token}` };
      const badSignal = await post(auth, '{"signal":"SIGSTOP"}');
      expect(badSignal.status).toBe(400);
      expect(((await badSignal.json()) as { detail: string }).detail).toMatch(/SIGKILL/);
      expect(signals).toEqual([]);

      const done = await post(auth, '{}');
      expect(done.status).toBe(200);
      const restart = (await done.json()) as {
        signal: string;
        gapMs: number;
        killedAt: string;
        readyAt: string;
      };
      expect(restart.signal).toBe('SIGKILL');
      expect(restart.gapMs).toBeGreaterThanOrEqual(45);
      expect(Date.parse(restart.readyAt) - Date.parse(restart.killedAt)).toBe(restart.gapMs);
      expect(signals).toEqual(['SIGKILL']);
      expect(recorded).toEqual(['history read before the kill']);

      const listed = await fetch(`${control.url}/restarts`, { headers: auth });
      expect(await listed.json()).toEqual({ restarts: [restart], inProgress: false });
    } finally {
      await control.close();
    }
  });

  it('refuses a restart when the run did not start the API (--target)', async () => {
    const control = await startControl({});
    try {
      const res = await fetch(`${control.url}/restart-api`, {
        method: 'POST',
        headers: { authorization: `Bearer ${control.token}` },
      });
      expect(res.status).toBe(409);
      expect(((await res.json()) as { type: string }).type).toMatch(/no-stack$/);
    } finally {
      await control.close();
    }
  });
});

describe('the fault recorder', () => {
  it('writes what the billing simulator really had in force, and the harness restart, as faults.ndjson', async () => {
    const adminToken = 'harness-test-token';
    const sim = buildBillingSim(simConfig({ apiUrl: 'http://127.0.0.1:9', noticeSecret: 's', adminToken }));
    const url = await sim.listen({ host: '127.0.0.1', port: 0 });
    try {
      const put = (body: unknown) =>
        fetch(`${url}/admin/faults`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      expect((await put({ billing: { latencyMs: 300 } })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 30));
      // The outage replaces the latency: the latency's period ends here, whatever window it had.
      expect((await put({ billing: { outage: true } })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 30));
      await fetch(`${url}/admin/faults`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${adminToken}` },
      });
      // Scheduled for later and never reached: not a fault that happened.
      await put({ notices: { dropRate: 0.5, startAt: new Date(Date.now() + 60_000).toISOString() } });

      const recorder = new FaultRecorder();
      recorder.add({
        kind: 'API restart (SIGKILL)',
        startAt: new Date(Date.now() - 10_000).toISOString(),
        endAt: new Date(Date.now() - 8_000).toISOString(),
      });
      await recorder.collect(url, adminToken);
      await recorder.collect('http://127.0.0.1:9', adminToken); // nothing listens: adds nothing
      expect(recorder.write(scratch)).toBe(3);

      const text = readFileSync(join(scratch, 'faults.ndjson'), 'utf8');
      const lines = text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { kind: string; startAt: string; endAt: string });
      expect(lines.map((l) => l.kind)).toEqual([
        'API restart (SIGKILL)',
        'billing latency +300 ms',
        'billing outage',
      ]);
      expect(lines[1]?.endAt).toBe(lines[2]?.startAt);
      // The report reads it back as shaded windows on its own clock.
      const windows = parseFaults(text, Date.parse(lines[0]?.startAt ?? ''));
      expect(windows.map((w) => w.kind)).toEqual(lines.map((l) => l.kind));
      expect(windows[0]?.fromSecond).toBe(0);
      expect(windows[0]?.toSecond).toBe(2);
    } finally {
      await sim.close();
    }
  });
});
