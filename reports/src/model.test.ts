import { describe, expect, it } from 'vitest';
import { k6Summary, runJson } from '../test/fixtures.ts';
import { translator } from './i18n/index.ts';
import { buildRunView, metadataRows } from './model.ts';
import { parseRunMeta, parseSummary } from './run-folder.ts';

function view(meta: Record<string, unknown>) {
  return buildRunView({
    dir: '/runs/x',
    meta: parseRunMeta(meta, 'x'),
    summary: parseSummary(k6Summary('hardened')),
    timeseries: [],
    server: [],
    invariants: null,
    missing: [],
  });
}

describe('metadataRows', () => {
  it("shows the CLI's run.json fields: commit, target URLs, machine, duration", () => {
    const rows = new Map(metadataRows(translator('en'), view(runJson('hardened', 'run-1'))));
    expect(rows.get('Git commit')).toBe('611f103a9c2e5d7b1f0e4c3a2b1d0e9f8a7b6c5d');
    expect(rows.get('Target under test')).toBe('http://127.0.0.1:8080, http://127.0.0.1:8081');
    expect(rows.get('Machine')).toContain('cpus: 2');
    expect(rows.get('Machine')).toContain('memoryBytes: 24 GiB');
    expect(rows.get('Test duration')).toBe('30.4 s');
    expect(rows.has('Knee (breakpoint)')).toBe(false);
  });

  it('adds the breakpoint knee and the run error, in Indonesian too', () => {
    const meta = {
      ...runJson('legacy', 'run-2', 'breakpoint', 'engine stopped'),
      knee: { ratePerSec: 182.5, atSecond: 41, reason: 'p(99)<1000 broke' },
    };
    const rows = new Map(metadataRows(translator('id'), view(meta)));
    expect(rows.get('Titik patah (breakpoint)')).toBe(
      '182,5 iterasi/detik, pada detik ke-41: p(99)<1000 broke',
    );
    expect(rows.get('Galat uji')).toBe('engine stopped');
  });
});
