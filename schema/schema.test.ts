import { readFileSync } from 'node:fs';
import type { RunEvidence, SideSetup } from '@paspor-lab/reports/contract';
import { judgeVerification, methods } from '@paspor-lab/reports/stats';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { schemaFiles } from './export.ts';

const committed = (name: string) => readFileSync(new URL(name, import.meta.url), 'utf8');

function sampleVerification() {
  const run = (side: 'baseline' | 'candidate', order: number, over: number): RunEvidence => ({
    id: `r${order}`,
    dir: `runs/r${order}`,
    side,
    order,
    startedAt: '2026-12-02T08:00:00.000Z',
    endedAt: '2026-12-02T08:00:10.000Z',
    exitCode: over > 0 ? 99 : 0,
    passed: over === 0,
    attempts: 60,
    slos: { latencyP95: { value: 300, ok: true, op: '<=', target: 500, unit: 'ms', source: 'x' } },
    invariants: [{ name: 'slot-over-capacity', violations: over }],
  });
  const side = (label: string, defects: string[], runs: RunEvidence[]): SideSetup => ({
    label,
    profile: label,
    defects,
    runs,
  });
  const baseline = side(
    'legacy',
    ['quota-race'],
    [run('baseline', 0, 4), run('baseline', 2, 5), run('baseline', 4, 6)],
  );
  const candidate = side(
    'hardened',
    [],
    [run('candidate', 1, 0), run('candidate', 3, 0), run('candidate', 5, 0)],
  );
  const machine = {
    hostname: 'h',
    platform: 'linux',
    release: '6',
    arch: 'x64',
    cpus: 2,
    cpuModel: 'cpu',
    memoryBytes: 1,
  };
  const facts = { attempts: 180, violations: {}, examples: {} };
  return {
    schemaVersion: 1,
    kind: 'verification',
    id: 'v',
    scenario: 'quota-rush',
    short: true,
    engine: 'embedded',
    lang: 'en',
    startedAt: '2026-12-02T08:00:00.000Z',
    endedAt: '2026-12-02T08:01:00.000Z',
    git: { commit: null, dirty: null },
    machine,
    freshDatabase: { method: 'prepared-pglite-folder', note: 'n' },
    runsPerSide: 3,
    order: ['baseline', 'candidate', 'baseline', 'candidate', 'baseline', 'candidate'],
    baseline,
    candidate,
    ...judgeVerification('quota-rush', baseline, candidate),
    methods: methods(),
    facts: { baseline: facts, candidate: facts },
    reports: ['report.html'],
  };
}

describe('schema/', () => {
  it('holds exactly what the TypeBox schemas export (run `node schema/export.ts` after changing one)', () => {
    for (const [name, content] of Object.entries(schemaFiles())) expect(committed(name), name).toBe(content);
  });

  it('verification.schema.json is a JSON Schema that accepts a verification and refuses a broken one', () => {
    const ajv = new Ajv2020.default({ strict: false });
    const validate = ajv.compile(JSON.parse(committed('verification.schema.json')));
    const good = sampleVerification();
    expect(validate(good), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...good, outcome: { ...good.outcome, exitCode: 3 } })).toBe(false);
    expect(validate({ ...good, defectClaims: [{ ...good.defectClaims[0], verdict: 'proven' }] })).toBe(false);
  });
});
